/**
 * A reader and writer for NumPy's `.npy` format (versions 1.0-3.0), enough for input tensors:
 * little-endian numeric types in C order. The format is described in NumPy's
 * `numpy.lib.format` documentation: a magic string, a version, a header length, a Python dict
 * literal with `descr`, `fortran_order` and `shape`, padding, then the raw data.
 */
import { UsageError } from "../errors.js";
import { type TensorData, typedArrayFor } from "./tensor-types.js";

export interface NpyArray {
  /** mlbuild's dtype name ("float32", "int64", "bool", ...). */
  dtype: string;
  shape: number[];
  data: TensorData;
}

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** NumPy type strings without their byte-order mark, by mlbuild dtype. */
const descriptors: Record<string, string> = {
  float32: "f4",
  float16: "f2",
  float64: "f8",
  int64: "i8",
  int32: "i4",
  int16: "i2",
  int8: "i1",
  uint64: "u8",
  uint32: "u4",
  uint16: "u2",
  uint8: "u1",
  bool: "b1",
};

const dtypeByDescriptor = new Map(Object.entries(descriptors).map(([name, code]) => [code, name]));

function invalid(label: string, why: string): UsageError {
  return new UsageError("NPY_INVALID", `${label} is not a readable .npy file: ${why}`, {
    hint: "Save it with numpy.save(path, array) from a C-ordered, little-endian array.",
  });
}

function headerField(header: string, key: string): string | undefined {
  const pattern = new RegExp(`['"]${key}['"]\\s*:\\s*('[^']*'|"[^"]*"|\\([^)]*\\)|True|False)`);
  return pattern.exec(header)?.[1];
}

function parseDescriptor(text: string, label: string): string {
  const descriptor = text.slice(1, -1);
  const order = descriptor[0];
  const code = descriptor.slice(1);
  const single = code.endsWith("1");
  if (!(order === "<" || order === "|" || (order === "=" && single))) {
    throw invalid(label, `byte order '${descriptor}' is not little-endian`);
  }
  const dtype = dtypeByDescriptor.get(code);
  if (!dtype) throw invalid(label, `element type '${descriptor}' is not supported`);
  return dtype;
}

function parseShape(text: string, label: string): number[] {
  const inner = text.slice(1, -1).trim();
  if (inner === "") return [];
  const parts = inner.split(",").map((part) => part.trim());
  if (parts[parts.length - 1] === "") parts.pop();
  return parts.map((part) => {
    if (!/^[0-9]+L?$/.test(part)) throw invalid(label, `bad shape '${text}'`);
    return Number.parseInt(part, 10);
  });
}

/** Parses `.npy` bytes; `label` names the file in messages. */
export function readNpy(bytes: Uint8Array, label = "array"): NpyArray {
  if (bytes.length < 10 || magic.some((value, index) => bytes[index] !== value)) {
    throw invalid(label, "it does not start with the .npy magic string");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const lengthBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw invalid(label, `format version ${major} is unknown`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));

  const descr = headerField(header, "descr");
  const shapeText = headerField(header, "shape");
  if (!descr || !shapeText) throw invalid(label, "its header lacks 'descr' or 'shape'");
  if (headerField(header, "fortran_order") === "True") {
    throw invalid(label, "it is in Fortran order");
  }
  const dtype = parseDescriptor(descr, label);
  const shape = parseShape(shapeText, label);

  const count = shape.reduce((product, dim) => product * dim, 1);
  const dataStart = headerStart + headerLength;
  const width = Number(descriptors[dtype].slice(1));
  if (bytes.length - dataStart !== count * width) {
    throw invalid(
      label,
      `it holds ${bytes.length - dataStart} data bytes, expected ${count * width}`,
    );
  }
  // Copy into a fresh, aligned buffer: typed arrays need offsets aligned to their width (and a
  // Node Buffer's slice() would share the pooled memory instead of copying).
  const copy = new Uint8Array(bytes.subarray(dataStart)).buffer;
  return { dtype, shape, data: typedArrayFor(dtype, copy) };
}

/** Encodes an array as `.npy` version 1.0 (used by tests and by users preparing inputs). */
export function writeNpy(array: NpyArray): Uint8Array {
  const code = descriptors[array.dtype];
  if (!code) throw new RangeError(`dtype ${array.dtype} has no .npy descriptor`);
  const order = code.endsWith("1") ? "|" : "<";
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let header = `{'descr': '${order}${code}', 'fortran_order': False, 'shape': ${shape}, }`;
  // The header, with its 10 leading bytes and a final newline, pads to a multiple of 64.
  const padding = (64 - ((10 + header.length + 1) % 64)) % 64;
  header = `${header}${" ".repeat(padding)}\n`;

  const data = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const bytes = new Uint8Array(10 + header.length + data.length);
  bytes.set(magic, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(data, 10 + header.length);
  return bytes;
}
