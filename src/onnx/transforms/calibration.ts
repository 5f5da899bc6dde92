/**
 * Activation ranges from calibration runs, and the uint8 scale and zero point they give.
 *
 * MinMax takes the smallest and largest value seen. Percentile clips rare outliers: it builds a
 * histogram of each tensor over its MinMax range (a second pass over the samples) and keeps the
 * range between the 0.01st and 99.99th percentiles, so one extreme value does not stretch the
 * step size for all the others (the approach of histogram calibrators in TensorRT and ONNX
 * Runtime, implemented here from the description).
 */

export interface ActivationRange {
  min: number;
  max: number;
}

export type CalibrationMethod = "minmax" | "percentile";

const HISTOGRAM_BINS = 2048;
const PERCENTILE = 0.9999;

export class MinMaxCollector {
  readonly ranges = new Map<string, ActivationRange>();

  observe(name: string, values: Float32Array): void {
    const range = this.ranges.get(name) ?? { min: 0, max: 0 };
    for (const value of values) {
      if (!Number.isFinite(value)) continue;
      if (value < range.min) range.min = value;
      if (value > range.max) range.max = value;
    }
    this.ranges.set(name, range);
  }
}

/** Second pass of the percentile method, over the ranges MinMax found. */
export class HistogramCollector {
  private readonly histograms = new Map<string, Float64Array>();

  constructor(private readonly bounds: ReadonlyMap<string, ActivationRange>) {}

  observe(name: string, values: Float32Array): void {
    const bound = this.bounds.get(name);
    if (!bound || bound.max <= bound.min) return;
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Float64Array(HISTOGRAM_BINS);
      this.histograms.set(name, histogram);
    }
    const width = (bound.max - bound.min) / HISTOGRAM_BINS;
    for (const value of values) {
      if (!Number.isFinite(value)) continue;
      const bin = Math.min(
        HISTOGRAM_BINS - 1,
        Math.max(0, Math.floor((value - bound.min) / width)),
      );
      histogram[bin]++;
    }
  }

  /** Ranges clipped to the central 99.98% of the values seen. */
  ranges(): Map<string, ActivationRange> {
    const result = new Map<string, ActivationRange>();
    for (const [name, bound] of this.bounds) {
      const histogram = this.histograms.get(name);
      if (!histogram) {
        result.set(name, { ...bound });
        continue;
      }
      const width = (bound.max - bound.min) / HISTOGRAM_BINS;
      const total = histogram.reduce((sum, count) => sum + count, 0);
      const lowBin = quantileBin(histogram, total * (1 - PERCENTILE));
      const highBin = quantileBin(histogram, total * PERCENTILE);
      result.set(name, {
        min: Math.min(0, bound.min + lowBin * width),
        max: Math.max(0, bound.min + (highBin + 1) * width),
      });
    }
    return result;
  }
}

function quantileBin(histogram: Float64Array, rank: number): number {
  let seen = 0;
  for (let bin = 0; bin < histogram.length; bin++) {
    seen += histogram[bin];
    if (seen >= rank) return bin;
  }
  return histogram.length - 1;
}

/**
 * uint8 quantization parameters for a range. The range is widened to include 0, so zero (padding,
 * Relu's floor) is represented exactly, as ONNX's QuantizeLinear conventions expect.
 */
export function uint8Parameters(range: ActivationRange): { scale: number; zeroPoint: number } {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  if (max === min) return { scale: 1, zeroPoint: 0 };
  const scale = (max - min) / 255;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
  return { scale, zeroPoint };
}
