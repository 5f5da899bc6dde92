/**
 * IEEE 754 binary16 conversions. Node 20 has no Float16Array, and ONNX stores float16 tensors as
 * their 16-bit patterns, so fp16 conversion and fp16 fixtures work on those bit patterns.
 */

/** Largest finite float16 value; anything larger in magnitude becomes ±Infinity. */
export const FLOAT16_MAX = 65504;

const floatScratch = new Float32Array(1);
const floatScratchBits = new Uint32Array(floatScratch.buffer);

/** Bit pattern of the float16 nearest to `value` (round half to even, as hardware does). */
export function float32ToFloat16Bits(value: number): number {
  floatScratch[0] = value;
  const bits = floatScratchBits[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent32 = (bits >>> 23) & 0xff;
  const mantissa32 = bits & 0x7fffff;

  if (exponent32 === 0xff) {
    // Keep NaN a NaN (quiet bit set) and infinity an infinity.
    return sign | 0x7c00 | (mantissa32 === 0 ? 0 : 0x200);
  }

  const exponent16 = exponent32 - 127 + 15;
  if (exponent16 >= 0x1f) return sign | 0x7c00;

  if (exponent16 <= 0) {
    // The result is subnormal (or zero): value = m * 2^-24 with m = full * 2^(exponent16 - 14).
    if (exponent16 < -10) return sign;
    const full = mantissa32 | 0x800000;
    const shift = 14 - exponent16;
    return sign | roundShifted(full, shift);
  }

  // A carry out of the mantissa correctly bumps the exponent, up to infinity.
  const truncated = (exponent16 << 10) | (mantissa32 >>> 13);
  const remainder = mantissa32 & 0x1fff;
  const roundUp = remainder > 0x1000 || (remainder === 0x1000 && (truncated & 1) === 1);
  return sign | (truncated + (roundUp ? 1 : 0));
}

function roundShifted(value: number, shift: number): number {
  const truncated = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  const roundUp = remainder > halfway || (remainder === halfway && (truncated & 1) === 1);
  return truncated + (roundUp ? 1 : 0);
}

/** The number a float16 bit pattern stands for. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Converts a whole array to float16 bit patterns. */
export function toFloat16Bits(values: ArrayLike<number>): Uint16Array<ArrayBuffer> {
  const result = new Uint16Array(values.length);
  for (let index = 0; index < values.length; index++) {
    result[index] = float32ToFloat16Bits(values[index]);
  }
  return result;
}

/** Converts float16 bit patterns back to float32 values. */
export function fromFloat16Bits(bits: ArrayLike<number>): Float32Array<ArrayBuffer> {
  const result = new Float32Array(bits.length);
  for (let index = 0; index < bits.length; index++) {
    result[index] = float16BitsToFloat32(bits[index]);
  }
  return result;
}
