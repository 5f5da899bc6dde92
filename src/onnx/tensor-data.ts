/**
 * Tensor contents as bytes. ONNX stores a tensor's data in one of three places: `raw_data`
 * (little-endian bytes), the typed repeated fields (`float_data`, `int32_data`, ...), or an
 * external file. This module handles the first two; `external-data.ts` the third.
 */
import { UsageError } from "../errors.js";
import { bytesPerElement, dtypeName, tensorByteLength } from "./dtypes.js";
import { type TensorProto, TensorProto_DataLocation, TensorProto_DataType } from "./proto.js";

const hostIsLittleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A copy of the view's bytes in little-endian order, as ONNX raw_data requires. */
export function toLittleEndianBytes(values: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(values.byteLength);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  const width = "BYTES_PER_ELEMENT" in values ? Number(values.BYTES_PER_ELEMENT) : 1;
  // Node also runs on big-endian s390x; everywhere else this is a plain copy.
  if (!hostIsLittleEndian && width > 1) swapByteOrder(bytes, width);
  return bytes;
}

function swapByteOrder(bytes: Uint8Array, width: number): void {
  for (let start = 0; start < bytes.length; start += width) {
    bytes.subarray(start, start + width).reverse();
  }
}

/** True when the tensor's data lives in a file beside the model. */
export function isExternalTensor(tensor: TensorProto): boolean {
  return tensor.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

/** Number of elements the tensor's dims describe. */
export function tensorElementCount(tensor: TensorProto): number {
  return tensor.dims.reduce((product, dim) => product * Number(dim), 1);
}

/**
 * Bytes the tensor's data occupies wherever it is stored, without reading external files. For
 * strings, the sum of the string lengths.
 */
export function tensorDataByteLength(tensor: TensorProto): number {
  if (tensor.dataType === TensorProto_DataType.STRING) {
    return tensor.stringData.reduce((sum, text) => sum + text.byteLength, 0);
  }
  const computed = tensorByteLength(tensor.dataType, tensorElementCount(tensor));
  if (computed !== undefined) return computed;
  return tensor.rawData.byteLength;
}

/**
 * The tensor's data as little-endian bytes, from raw_data or the typed fields. External tensors
 * must go through `readTensorBytes` in `external-data.ts`, which knows the model's folder.
 */
export function inlineTensorBytes(tensor: TensorProto): Uint8Array {
  if (isExternalTensor(tensor)) {
    throw new Error(`Tensor "${tensor.name}" is stored externally; use readTensorBytes`);
  }
  if (tensor.rawData.byteLength > 0) return tensor.rawData;

  const type = TensorProto_DataType;
  switch (tensor.dataType) {
    case type.FLOAT:
    case type.COMPLEX64:
      return toLittleEndianBytes(Float32Array.from(tensor.floatData));
    case type.DOUBLE:
    case type.COMPLEX128:
      return toLittleEndianBytes(Float64Array.from(tensor.doubleData));
    case type.INT64:
      return toLittleEndianBytes(BigInt64Array.from(tensor.int64Data));
    case type.UINT64:
      return toLittleEndianBytes(BigUint64Array.from(tensor.uint64Data));
    case type.UINT32:
      return toLittleEndianBytes(Uint32Array.from(tensor.uint64Data, Number));
    case type.INT32:
      return toLittleEndianBytes(Int32Array.from(tensor.int32Data));
    case type.INT16:
      return toLittleEndianBytes(Int16Array.from(tensor.int32Data));
    // 16-bit floats are stored as their bit patterns in int32_data.
    case type.UINT16:
    case type.FLOAT16:
    case type.BFLOAT16:
      return toLittleEndianBytes(Uint16Array.from(tensor.int32Data));
    case type.INT8:
      return Uint8Array.from(Int8Array.from(tensor.int32Data));
    case type.STRING:
      throw new UsageError(
        "TENSOR_STRING_DATA",
        `Tensor "${tensor.name}" holds strings, not numbers`,
        {
          hint:
            "String tensors have no fixed byte layout; only numeric tensors can be " +
            "read as bytes.",
        },
      );
    default:
      // uint8, bool, the float8 types, and the packed 4- and 2-bit types: one byte per int32 entry.
      return Uint8Array.from(tensor.int32Data);
  }
}

/** Typed arrays `decodeTensorValues` can return. */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * Interprets little-endian tensor bytes as a typed array (a fresh, aligned copy). float16 and
 * bfloat16 come back as Uint16Array bit patterns (see `float16.ts`); bool, float8 and the packed
 * sub-byte types as Uint8Array.
 */
export function decodeTensorValues(bytes: Uint8Array, dataType: number): TensorValues {
  const type = TensorProto_DataType;
  const width = bytesPerElement(dataType);
  if (width === undefined) {
    throw new Error(`Tensors of type ${dtypeName(dataType)} cannot be decoded as numbers`);
  }
  const copy = new Uint8Array(bytes);
  // Complex numbers are pairs of floats; each half is swapped on its own.
  const swapWidth =
    dataType === type.COMPLEX64 ? 4 : dataType === type.COMPLEX128 ? 8 : Math.max(width, 1);
  if (!hostIsLittleEndian && swapWidth > 1) swapByteOrder(copy, swapWidth);
  const buffer = copy.buffer;
  switch (dataType) {
    case type.FLOAT:
    case type.COMPLEX64:
      return new Float32Array(buffer);
    case type.DOUBLE:
    case type.COMPLEX128:
      return new Float64Array(buffer);
    case type.INT64:
      return new BigInt64Array(buffer);
    case type.UINT64:
      return new BigUint64Array(buffer);
    case type.INT32:
      return new Int32Array(buffer);
    case type.UINT32:
      return new Uint32Array(buffer);
    case type.INT16:
      return new Int16Array(buffer);
    case type.UINT16:
    case type.FLOAT16:
    case type.BFLOAT16:
      return new Uint16Array(buffer);
    case type.INT8:
      return new Int8Array(buffer);
    default:
      return copy;
  }
}
