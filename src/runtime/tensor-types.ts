/**
 * The element types mlbuild can feed a model, and the typed array ONNX Runtime's JavaScript API
 * expects for each (float16 travels as its raw bits in a Uint16Array; bool as 0/1 bytes).
 */

export type TensorData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint8Array;

type TypedArrayConstructor = new (buffer: ArrayBuffer) => TensorData;

const constructors: Record<string, TypedArrayConstructor> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint64: BigUint64Array,
  uint32: Uint32Array,
  uint16: Uint16Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** Element types input generation and `--inputs` files support. */
export const supportedDtypes = Object.keys(constructors);

export function isSupportedDtype(dtype: string): boolean {
  return dtype in constructors;
}

/** A typed array of `dtype` over `buffer` (whose length must be a multiple of the width). */
export function typedArrayFor(dtype: string, buffer: ArrayBuffer): TensorData {
  const Constructor = constructors[dtype];
  if (!Constructor) throw new RangeError(`unsupported element type ${dtype}`);
  return new Constructor(buffer);
}

export function bytesPerElement(dtype: string): number {
  const Constructor = constructors[dtype] as unknown as { BYTES_PER_ELEMENT: number } | undefined;
  if (!Constructor) throw new RangeError(`unsupported element type ${dtype}`);
  return Constructor.BYTES_PER_ELEMENT;
}

export function allocate(dtype: string, elementCount: number): TensorData {
  return typedArrayFor(dtype, new ArrayBuffer(elementCount * bytesPerElement(dtype)));
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/** A model input as `inspect` describes it (`TensorSignature` of `onnx/summary.ts`). */
export interface InputSignature {
  name: string;
  dtype: string;
  /** Numbers are fixed, strings symbolic ("batch", or "?" when unnamed); null: rank unknown. */
  shape: (number | string)[] | null;
}

/** One tensor ready to feed: plain data that crosses to a child process unchanged. */
export interface InputTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: TensorData;
}
