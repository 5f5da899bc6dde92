/**
 * Seeded input values for a model's inputs, as plain typed arrays so any runtime binding can wrap
 * them. Fixture tests and fixture timing use these; a benchmark can too when no inputs are given.
 */
import { UsageError } from "../errors.js";
import { toFloat16Bits } from "../runtime/float16.js";
import { SeededRandom } from "./fixtures/random.js";
import type { TensorSignature } from "./summary.js";

export type InputData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Int8Array;

export interface RandomInput {
  name: string;
  /** Same names as `TensorSignature.dtype`; float16 data holds bit patterns. */
  dtype: string;
  dims: number[];
  data: InputData;
}

export interface RandomInputOptions {
  seed: number;
  /** Sizes for symbolic dimensions by name; unnamed and unlisted ones are 1. */
  dimensions?: Readonly<Record<string, number>>;
}

/** Resolves a signature's shape to concrete sizes. */
export function concreteShape(
  signature: TensorSignature,
  dimensions: Readonly<Record<string, number>> = {},
): number[] {
  if (signature.shape === null) {
    throw new UsageError("INPUT_SHAPE_UNKNOWN", `Input "${signature.name}" has no known shape`, {
      hint: `Give it one with --shape ${signature.name}=1x3x224x224 (your sizes).`,
    });
  }
  return signature.shape.map((dimension) =>
    typeof dimension === "number" ? dimension : (dimensions[dimension] ?? 1),
  );
}

/**
 * Values in small ranges: floats in [-1, 1), integers in [0, 10) so they are safe as counts or
 * indices into small tables, bytes over their full range.
 */
export function makeRandomInputs(
  signatures: readonly TensorSignature[],
  options: RandomInputOptions,
): RandomInput[] {
  const random = new SeededRandom(options.seed);
  return signatures.map((signature) => {
    const dims = concreteShape(signature, options.dimensions);
    const count = dims.reduce((product, dim) => product * dim, 1);
    return {
      name: signature.name,
      dtype: signature.dtype,
      dims,
      data: randomData(signature, count, random),
    };
  });
}

function randomData(signature: TensorSignature, count: number, random: SeededRandom): InputData {
  const integers = (low: number, high: number) =>
    Array.from({ length: count }, () => random.integer(low, high));
  switch (signature.dtype) {
    case "float32":
      return random.uniformArray(count, -1, 1);
    case "float64":
      return Float64Array.from(random.uniformArray(count, -1, 1));
    case "float16":
      return toFloat16Bits(random.uniformArray(count, -1, 1));
    case "int64":
      return BigInt64Array.from(integers(0, 10), BigInt);
    case "int32":
      return Int32Array.from(integers(0, 10));
    case "uint8":
      return Uint8Array.from(integers(0, 256));
    case "int8":
      return Int8Array.from(integers(-128, 128));
    case "bool":
      return Uint8Array.from(integers(0, 2));
    default:
      throw new UsageError(
        "INPUT_TYPE_UNSUPPORTED",
        `Cannot make random values of type ${signature.dtype} for input "${signature.name}"`,
        { hint: "Provide the input values with --inputs DIR." },
      );
  }
}
