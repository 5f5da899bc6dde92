/**
 * How far a transformed build's outputs are from its source model's, on the same inputs. Both
 * models run in onnxruntime-node; every float output of every sample counts.
 */
import type { JsonObject } from "../registry/records.js";
import { type FloatOutput, ModelRunner } from "./model-runner.js";
import type { InputSamples } from "./samples.js";

/** Stored as `build.accuracy`; `validate --max-error/--min-cosine/--min-top1` gate on it. */
export interface AccuracyRecord extends JsonObject {
  max_abs_error: number;
  mean_abs_error: number;
  cosine_similarity: number;
  /**
   * Signal-to-quantization-noise ratio, 10·log10(Σref² / Σ(ref−out)²); null when the outputs
   * are identical, or when the error is not finite (then max_abs_error is the largest double).
   */
  sqnr_db: number | null;
  /** Share of rows whose arg-max class agrees, for classifier-like outputs; else null. */
  top1_agreement: number | null;
  samples: number;
  inputs_source: string;
}

/** Running sums over every compared value, so figures cover all outputs and samples. */
export class ErrorAccumulator {
  private count = 0;
  private maxAbs = 0;
  private sumAbs = 0;
  private dot = 0;
  private referenceSquares = 0;
  private candidateSquares = 0;
  private noiseSquares = 0;
  private rows = 0;
  private agreeingRows = 0;
  private nonFinite = false;

  /** True when the candidate produced an infinity or NaN where the reference did not. */
  get hasNonFinite(): boolean {
    return this.nonFinite;
  }

  add(reference: Float32Array, candidate: Float32Array): void {
    for (let index = 0; index < reference.length; index++) {
      const expected = reference[index];
      const actual = candidate[index];
      const difference = actual - expected;
      if (!Number.isFinite(difference)) this.nonFinite = true;
      const magnitude = Math.abs(difference);
      if (magnitude > this.maxAbs) this.maxAbs = magnitude;
      this.sumAbs += magnitude;
      this.dot += expected * actual;
      this.referenceSquares += expected * expected;
      this.candidateSquares += actual * actual;
      this.noiseSquares += difference * difference;
    }
    this.count += reference.length;
  }

  /** Counts rows of a [..., classes] output whose largest entry is the same class. */
  addTopOne(reference: Float32Array, candidate: Float32Array, classes: number): void {
    for (let start = 0; start + classes <= reference.length; start += classes) {
      this.rows++;
      if (argMax(reference, start, classes) === argMax(candidate, start, classes))
        this.agreeingRows++;
    }
  }

  result(samples: number, inputsSource: string): AccuracyRecord {
    const norms = Math.sqrt(this.referenceSquares) * Math.sqrt(this.candidateSquares);
    // Two all-zero outputs are identical: cosine 1 rather than 0/0.
    const cosine = norms === 0 ? (this.noiseSquares === 0 ? 1 : 0) : this.dot / norms;
    const sqnr =
      this.noiseSquares === 0 ? null : 10 * Math.log10(this.referenceSquares / this.noiseSquares);
    return {
      // An infinity or NaN in the candidate is the worst possible error, not a number to hide.
      max_abs_error: this.nonFinite ? Number.MAX_VALUE : this.maxAbs,
      mean_abs_error: this.nonFinite ? Number.MAX_VALUE : this.count ? this.sumAbs / this.count : 0,
      cosine_similarity: this.nonFinite ? 0 : cosine,
      sqnr_db: this.nonFinite ? null : sqnr,
      top1_agreement: this.rows === 0 ? null : this.agreeingRows / this.rows,
      samples,
      inputs_source: inputsSource,
    };
  }
}

function argMax(values: Float32Array, start: number, length: number): number {
  let best = start;
  for (let index = start + 1; index < start + length; index++) {
    if (values[index] > values[best]) best = index;
  }
  return best - start;
}

/**
 * A classifier-like output: [batch, classes], or any output computed by Softmax. Its top-1
 * agreement is meaningful; for other outputs (feature maps, hidden states) it is not.
 */
export function isClassifierLike(output: FloatOutput, producedBySoftmax: boolean): boolean {
  const classes = output.dims[output.dims.length - 1] ?? 0;
  if (classes < 2) return false;
  return producedBySoftmax || output.dims.length === 2;
}

export interface AccuracyOptions {
  /** Outputs computed by Softmax in the source model. */
  softmaxOutputs?: ReadonlySet<string>;
}

/** Runs both models on every sample and compares their float outputs. */
export async function measureAccuracy(
  source: Uint8Array,
  candidate: Uint8Array,
  inputs: InputSamples,
  options: AccuracyOptions = {},
): Promise<AccuracyRecord> {
  const sourceRunner = await ModelRunner.open(source);
  const candidateRunner = await ModelRunner.open(candidate);
  const errors = new ErrorAccumulator();
  try {
    for (const sample of inputs.samples) {
      compareSample(
        await sourceRunner.run(sample),
        await candidateRunner.run(sample),
        errors,
        options,
      );
    }
  } finally {
    await sourceRunner.release();
    await candidateRunner.release();
  }
  return errors.result(inputs.samples.length, inputs.source);
}

function compareSample(
  reference: Map<string, FloatOutput>,
  candidate: Map<string, FloatOutput>,
  errors: ErrorAccumulator,
  options: AccuracyOptions,
): void {
  for (const [name, expected] of reference) {
    const actual = candidate.get(name);
    if (!actual || actual.values.length !== expected.values.length) {
      throw new Error(`Output '${name}' of the transformed model is missing or has another shape`);
    }
    errors.add(expected.values, actual.values);
    if (isClassifierLike(expected, options.softmaxOutputs?.has(name) ?? false)) {
      errors.addTopOne(expected.values, actual.values, expected.dims[expected.dims.length - 1]);
    }
  }
}
