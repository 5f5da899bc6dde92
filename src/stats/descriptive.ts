/**
 * Descriptive statistics of one set of samples. Percentiles always use every sample: outliers
 * are flagged elsewhere (`outliers.ts`) and never removed first (PRODUCT.md, "Measurement
 * contract").
 */

export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN for a single sample. */
  standardDeviation: number;
  /** Coefficient of variation σ / mean; NaN when undefined. */
  coefficientOfVariation: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
}

function requireSamples(samples: readonly number[], what: string): void {
  if (samples.length === 0) throw new RangeError(`${what} needs at least one sample`);
}

/** Ascending numeric copy (typed-array sort compares numbers); the input is never reordered. */
export function sortAscending(samples: readonly number[]): number[] {
  return Array.from(Float64Array.from(samples).sort());
}

export function min(samples: readonly number[]): number {
  requireSamples(samples, "min");
  let smallest = samples[0];
  for (const value of samples) if (value < smallest) smallest = value;
  return smallest;
}

export function max(samples: readonly number[]): number {
  requireSamples(samples, "max");
  let largest = samples[0];
  for (const value of samples) if (value > largest) largest = value;
  return largest;
}

/** Arithmetic mean with Neumaier's compensated summation, so long runs do not drift. */
export function mean(samples: readonly number[]): number {
  requireSamples(samples, "mean");
  let sum = 0;
  let compensation = 0;
  for (const value of samples) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return (sum + compensation) / samples.length;
}

/**
 * Sample standard deviation (Bessel-corrected) by Welford's one-pass update (Welford 1962),
 * which avoids the cancellation of the textbook Σx² − n·mean² form.
 */
export function standardDeviation(samples: readonly number[]): number {
  requireSamples(samples, "standard deviation");
  if (samples.length < 2) return Number.NaN;
  let runningMean = 0;
  let sumOfSquares = 0;
  samples.forEach((value, index) => {
    const delta = value - runningMean;
    runningMean += delta / (index + 1);
    sumOfSquares += delta * (value - runningMean);
  });
  return Math.sqrt(sumOfSquares / (samples.length - 1));
}

/** σ / mean. Only meaningful for positive quantities such as latencies. */
export function coefficientOfVariation(samples: readonly number[]): number {
  const average = mean(samples);
  return average === 0 ? Number.NaN : standardDeviation(samples) / average;
}

/**
 * Quantile q ∈ [0, 1] of already sorted samples, Hyndman & Fan (1996) definition 7: linear
 * interpolation between order statistics at h = (n − 1)q. It is the default of R, NumPy and
 * Excel's PERCENTILE.INC, so users can reproduce our numbers.
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  requireSamples(sorted, "quantile");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** Quantile q ∈ [0, 1] of all samples (Hyndman & Fan type 7). */
export function quantile(samples: readonly number[], q: number): number {
  return quantileSorted(sortAscending(samples), q);
}

/** Percentile p ∈ [0, 100] of all samples (Hyndman & Fan type 7). */
export function percentile(samples: readonly number[], p: number): number {
  return quantile(samples, p / 100);
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Everything a benchmark reports about one sample set, with a single sort. */
export function summarize(samples: readonly number[]): Summary {
  requireSamples(samples, "summary");
  const sorted = sortAscending(samples);
  return {
    count: sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: mean(sorted),
    standardDeviation: standardDeviation(sorted),
    coefficientOfVariation: coefficientOfVariation(sorted),
    median: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
  };
}
