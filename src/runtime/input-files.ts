/**
 * One file of `--inputs DIR`: `NAME.npy` (NumPy's format) or `NAME.json`, either a nested array
 * or `{ "dtype": "int64", "shape": [1, 4], "data": [...] }` with flat data.
 */
import path from "node:path";
import { UsageError } from "../errors.js";
import { toFloat16Bits } from "./float16.js";
import { readNpy } from "./npy.js";
import {
  allocate,
  elementCount,
  type InputSignature,
  type InputTensor,
  type TensorData,
} from "./tensor-types.js";

function wrongDtype(file: string, found: string, signature: InputSignature): UsageError {
  return new UsageError(
    "INPUT_DTYPE_MISMATCH",
    `${path.basename(file)} holds ${found}, but input '${signature.name}' is ${signature.dtype}`,
    { hint: `Save it as ${signature.dtype} (e.g. array.astype(...) in NumPy before numpy.save).` },
  );
}

function badJson(file: string, why: string): UsageError {
  return new UsageError(
    "INPUT_JSON_INVALID",
    `${path.basename(file)} is not a usable input: ${why}`,
    {
      hint: 'Write a nested array, or {"dtype": "float32", "shape": [1, 4], "data": [...]}.',
    },
  );
}

/** Shape and flat values of a rectangular nested array. */
function flattenNested(value: unknown, file: string): { shape: number[]; values: unknown[] } {
  const shape: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values = shape.length === 0 ? [value] : (value as unknown[]).flat(shape.length - 1);
  if (values.length !== elementCount(shape) || values.some((item) => Array.isArray(item))) {
    throw badJson(file, "its nested arrays are not rectangular");
  }
  return { shape, values };
}

function toTypedArray(dtype: string, values: readonly unknown[], file: string): TensorData {
  const data = allocate(dtype, values.length);
  const numbers = values.map((value) => {
    if (typeof value === "boolean" && dtype === "bool") return value ? 1 : 0;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw badJson(file, `${JSON.stringify(value)} is not a ${dtype} value`);
    }
    if (!dtype.startsWith("float") && !Number.isInteger(value)) {
      throw wrongDtypeValue(file, value, dtype);
    }
    return value;
  });
  if (dtype === "float16") (data as Uint16Array).set(toFloat16Bits(numbers));
  else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    numbers.forEach((value, index) => {
      data[index] = BigInt(value);
    });
  } else (data as Float64Array).set(numbers);
  return data;
}

function wrongDtypeValue(file: string, value: number, dtype: string): UsageError {
  return new UsageError(
    "INPUT_DTYPE_MISMATCH",
    `${path.basename(file)} holds ${value}, which is not a ${dtype} value`,
    { hint: `Input values of a ${dtype} input must be whole numbers.` },
  );
}

function readJsonInput(bytes: Uint8Array, file: string, signature: InputSignature): InputTensor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw badJson(file, (error as Error).message);
  }
  if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
    const document = parsed as { dtype?: unknown; shape?: unknown; data?: unknown };
    const dtype = document.dtype ?? signature.dtype;
    if (dtype !== signature.dtype) throw wrongDtype(file, String(dtype), signature);
    if (!Array.isArray(document.data)) throw badJson(file, "'data' must be an array");
    const nested = flattenNested(document.data, file);
    const shape = Array.isArray(document.shape) ? (document.shape as number[]) : nested.shape;
    if (elementCount(shape) !== nested.values.length) {
      throw badJson(file, `shape [${shape.join(", ")}] needs ${elementCount(shape)} values`);
    }
    return { name: signature.name, dtype, shape, data: toTypedArray(dtype, nested.values, file) };
  }
  const nested = flattenNested(parsed, file);
  return {
    name: signature.name,
    dtype: signature.dtype,
    shape: nested.shape,
    data: toTypedArray(signature.dtype, nested.values, file),
  };
}

/** Reads one input file and checks its element type against the model's input. */
export function readInputFile(
  bytes: Uint8Array,
  file: string,
  signature: InputSignature,
): InputTensor {
  if (file.toLowerCase().endsWith(".json")) return readJsonInput(bytes, file, signature);
  const array = readNpy(bytes, path.basename(file));
  if (array.dtype !== signature.dtype) throw wrongDtype(file, array.dtype, signature);
  return { name: signature.name, dtype: array.dtype, shape: array.shape, data: array.data };
}
