/**
 * Weight quantization to 8 bits, symmetric around zero, per channel or per tensor.
 *
 * Weights are stored as uint8 with zero point 128 (values 1..255), not as int8. On x86 CPUs
 * without VNNI, ONNX Runtime multiplies uint8 activations by int8 weights with an instruction
 * whose 16-bit intermediate sums saturate; with full-range int8 weights that shows up as large
 * errors (measured here: 0.39 max error against 0.012 for uint8 weights on a 1024×1024 MatMul).
 * uint8×uint8 takes another path with no saturation and keeps all 8 bits, where the other usual
 * remedy (7-bit "reduced range" int8 weights) loses one.
 */
import { floatTensor, uint8Tensor } from "../builder.js";
import type { TensorProto } from "../proto.js";

export const WEIGHT_ZERO_POINT = 128;
const LEVELS = 127;

export interface QuantizedWeight {
  values: Uint8Array;
  /** One scale per channel along `axis`, or one for the whole tensor. */
  scales: Float32Array;
  axis: number | undefined;
}

/** Quantizes `values` of shape `dims`; `axis` undefined means one scale for the tensor. */
export function quantizeWeight(
  values: Float32Array,
  dims: readonly number[],
  axis: number | undefined,
): QuantizedWeight {
  const channels = axis === undefined ? 1 : dims[axis];
  const inner =
    axis === undefined ? values.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (index: number) =>
    axis === undefined ? 0 : Math.floor(index / inner) % channels;

  const largest = new Float32Array(channels);
  for (let index = 0; index < values.length; index++) {
    const channel = channelOf(index);
    largest[channel] = Math.max(largest[channel], Math.abs(values[index]));
  }
  // A channel of zeros gets scale 1: every value quantizes to the zero point exactly.
  const scales = Float32Array.from(largest, (magnitude) =>
    magnitude > 0 ? magnitude / LEVELS : 1,
  );

  const quantized = new Uint8Array(values.length);
  for (let index = 0; index < values.length; index++) {
    const level = Math.round(values[index] / scales[channelOf(index)]);
    quantized[index] = Math.min(LEVELS, Math.max(-LEVELS, level)) + WEIGHT_ZERO_POINT;
  }
  return { values: quantized, scales, axis };
}

/** Transposes a 2-D float matrix [rows, columns] to [columns, rows]. */
export function transpose2d(values: Float32Array, rows: number, columns: number): Float32Array {
  const result = new Float32Array(values.length);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      result[column * rows + row] = values[row * columns + column];
    }
  }
  return result;
}

export interface WeightTensors {
  values: TensorProto;
  scales: TensorProto;
  zeroPoint: TensorProto;
}

/**
 * The initializers for a quantized weight. `scaleShape` lets Conv reshape per-channel scales
 * to [M, 1, 1] so they broadcast over its output; the zero point is a scalar, or one per channel
 * when `perChannelZeroPoint` is set (DequantizeLinear needs the shapes to match).
 */
export function weightTensors(
  baseName: string,
  dims: readonly number[],
  weight: QuantizedWeight,
  options: { scaleShape?: readonly number[]; perChannelZeroPoint?: boolean } = {},
): WeightTensors {
  const channels = weight.scales.length;
  const scaleShape = options.scaleShape ?? (weight.axis === undefined ? [] : [channels]);
  const zeroPointShape = options.perChannelZeroPoint && weight.axis !== undefined ? [channels] : [];
  const zeroPoints = new Uint8Array(zeroPointShape.length === 0 ? 1 : channels).fill(
    WEIGHT_ZERO_POINT,
  );
  return {
    values: uint8Tensor(`${baseName}_quantized`, dims, weight.values),
    scales: floatTensor(`${baseName}_scale`, scaleShape, weight.scales),
    zeroPoint: uint8Tensor(`${baseName}_zero_point`, zeroPointShape, zeroPoints),
  };
}
