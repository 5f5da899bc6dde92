/**
 * float32 tensors to float16, counting what float16 cannot hold: values beyond ±65504 are
 * clamped to ±65504 (not turned into infinities), and non-zero values below float16's smallest
 * subnormal become zero.
 */

import { FLOAT16_MAX, float32ToFloat16Bits } from "../../runtime/float16.js";
import { makeTensor } from "../builder.js";
import { type TensorProto, TensorProto_DataType } from "../proto.js";
import { floatValues } from "./graph-edit.js";

export interface Float16Statistics {
  /** float32 tensors (initializers and constants) converted. */
  convertedTensors: number;
  /** Values beyond ±65504 that were clamped, and the largest magnitude met. */
  clampedValues: number;
  largestMagnitude: number;
  /** Tensors that had clamped values, by name (the first 20). */
  clampedTensors: string[];
  /** Non-zero values too small for float16 that became zero. */
  underflowedValues: number;
}

const REPORTED_TENSOR_LIMIT = 20;

export class Float16Conversion {
  private convertedTensors = 0;
  private clampedValues = 0;
  private underflowedValues = 0;
  private largestMagnitude = 0;
  private readonly clampedTensors: string[] = [];

  /** The tensor in float16 when it is float32; any other tensor unchanged. */
  convert(tensor: TensorProto): TensorProto {
    const values = floatValues(tensor);
    if (!values) return tensor;
    this.convertedTensors++;
    const bits = this.toBits(values, tensor.name);
    const dims = tensor.dims.map(Number);
    return {
      ...makeTensor(tensor.name, TensorProto_DataType.FLOAT16, dims, bits),
      docString: tensor.docString,
    };
  }

  /** A float16 tensor from plain numbers (Constant's value_float and value_floats). */
  fromNumbers(dims: readonly number[], values: readonly number[]): TensorProto {
    this.convertedTensors++;
    const bits = this.toBits(Float32Array.from(values), "constant");
    return makeTensor("", TensorProto_DataType.FLOAT16, dims, bits);
  }

  statistics(): Float16Statistics {
    return {
      convertedTensors: this.convertedTensors,
      clampedValues: this.clampedValues,
      largestMagnitude: this.largestMagnitude,
      clampedTensors: [...this.clampedTensors],
      underflowedValues: this.underflowedValues,
    };
  }

  private toBits(values: Float32Array, name: string): Uint16Array {
    const bits = new Uint16Array(values.length);
    let clampedHere = 0;
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      const magnitude = Math.abs(value);
      if (magnitude > this.largestMagnitude && Number.isFinite(magnitude)) {
        this.largestMagnitude = magnitude;
      }
      if (Number.isFinite(value) && magnitude > FLOAT16_MAX) {
        clampedHere++;
        bits[index] = float32ToFloat16Bits(Math.sign(value) * FLOAT16_MAX);
        continue;
      }
      bits[index] = float32ToFloat16Bits(value);
      // ±0 in float16 (only the sign bit may be set) from a value that was not zero.
      if ((bits[index] & 0x7fff) === 0 && value !== 0) this.underflowedValues++;
    }
    if (clampedHere > 0) {
      this.clampedValues += clampedHere;
      if (this.clampedTensors.length < REPORTED_TENSOR_LIMIT) this.clampedTensors.push(name);
    }
    return bits;
  }
}
