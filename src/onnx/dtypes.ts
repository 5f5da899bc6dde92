/**
 * ONNX element types under the lowercase names users see in `inspect`, `--json` and ONNX Runtime's
 * JavaScript API ("float32", "int64", ...), with the storage width of each.
 */
import { TensorProto_DataType } from "./proto.js";

interface DtypeEntry {
  name: string;
  /** Bits per element; sub-byte types pack several elements into one byte. */
  bits: number;
}

const dtypeTable: ReadonlyMap<TensorProto_DataType, DtypeEntry> = new Map([
  [TensorProto_DataType.FLOAT, { name: "float32", bits: 32 }],
  [TensorProto_DataType.UINT8, { name: "uint8", bits: 8 }],
  [TensorProto_DataType.INT8, { name: "int8", bits: 8 }],
  [TensorProto_DataType.UINT16, { name: "uint16", bits: 16 }],
  [TensorProto_DataType.INT16, { name: "int16", bits: 16 }],
  [TensorProto_DataType.INT32, { name: "int32", bits: 32 }],
  [TensorProto_DataType.INT64, { name: "int64", bits: 64 }],
  // Strings have no fixed width; 0 marks "not a fixed-size type".
  [TensorProto_DataType.STRING, { name: "string", bits: 0 }],
  [TensorProto_DataType.BOOL, { name: "bool", bits: 8 }],
  [TensorProto_DataType.FLOAT16, { name: "float16", bits: 16 }],
  [TensorProto_DataType.DOUBLE, { name: "float64", bits: 64 }],
  [TensorProto_DataType.UINT32, { name: "uint32", bits: 32 }],
  [TensorProto_DataType.UINT64, { name: "uint64", bits: 64 }],
  [TensorProto_DataType.COMPLEX64, { name: "complex64", bits: 64 }],
  [TensorProto_DataType.COMPLEX128, { name: "complex128", bits: 128 }],
  [TensorProto_DataType.BFLOAT16, { name: "bfloat16", bits: 16 }],
  [TensorProto_DataType.FLOAT8E4M3FN, { name: "float8e4m3fn", bits: 8 }],
  [TensorProto_DataType.FLOAT8E4M3FNUZ, { name: "float8e4m3fnuz", bits: 8 }],
  [TensorProto_DataType.FLOAT8E5M2, { name: "float8e5m2", bits: 8 }],
  [TensorProto_DataType.FLOAT8E5M2FNUZ, { name: "float8e5m2fnuz", bits: 8 }],
  [TensorProto_DataType.UINT4, { name: "uint4", bits: 4 }],
  [TensorProto_DataType.INT4, { name: "int4", bits: 4 }],
  [TensorProto_DataType.FLOAT4E2M1, { name: "float4e2m1", bits: 4 }],
  [TensorProto_DataType.FLOAT8E8M0, { name: "float8e8m0", bits: 8 }],
  [TensorProto_DataType.UINT2, { name: "uint2", bits: 2 }],
  [TensorProto_DataType.INT2, { name: "int2", bits: 2 }],
]);

/** Spellings people type on the command line that mean the same type. */
const aliases: Readonly<Record<string, string>> = {
  float: "float32",
  fp32: "float32",
  half: "float16",
  fp16: "float16",
  double: "float64",
  fp64: "float64",
  bf16: "bfloat16",
  boolean: "bool",
};

const elemTypeByName = new Map([...dtypeTable].map(([elemType, entry]) => [entry.name, elemType]));

/** Lowercase name of an ONNX element type; `"unknown(N)"` for a value this build does not know. */
export function dtypeName(elemType: number): string {
  return dtypeTable.get(elemType)?.name ?? `unknown(${elemType})`;
}

/** The ONNX element type for a name such as "float32" or "fp16"; undefined if not a type. */
export function dtypeFromName(name: string): TensorProto_DataType | undefined {
  const lower = name.trim().toLowerCase();
  return elemTypeByName.get(aliases[lower] ?? lower);
}

/** Every known type name, for "expected one of ..." messages. */
export function dtypeNames(): string[] {
  return [...elemTypeByName.keys()];
}

/**
 * Storage bytes per element: fractional for 4- and 2-bit types, undefined for strings and unknown
 * types (whose size cannot be computed from the element count).
 */
export function bytesPerElement(elemType: number): number | undefined {
  const bits = dtypeTable.get(elemType)?.bits;
  return bits ? bits / 8 : undefined;
}

/** Bytes that `elementCount` elements occupy in raw_data (sub-byte types round up). */
export function tensorByteLength(elemType: number, elementCount: number): number | undefined {
  const bits = dtypeTable.get(elemType)?.bits;
  return bits ? Math.ceil((elementCount * bits) / 8) : undefined;
}

/** Types whose values are floating point, the ones fp16/int8 conversions care about. */
export function isFloatType(elemType: number): boolean {
  return (
    elemType === TensorProto_DataType.FLOAT ||
    elemType === TensorProto_DataType.FLOAT16 ||
    elemType === TensorProto_DataType.DOUBLE ||
    elemType === TensorProto_DataType.BFLOAT16
  );
}
