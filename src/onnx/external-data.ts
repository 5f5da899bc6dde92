/**
 * External data: tensors whose bytes live in files beside the `.onnx` file, named by `location`,
 * `offset` and `length` entries. Locations come from the model, so they are untrusted: one that
 * would read outside the model's folder is refused.
 */
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { walkInitializers, walkTensors } from "./graph.js";
import {
  clone,
  create,
  type ModelProto,
  ModelProtoSchema,
  StringStringEntryProtoSchema,
  type TensorProto,
  TensorProto_DataLocation,
} from "./proto.js";
import { inlineTensorBytes, isExternalTensor, tensorDataByteLength } from "./tensor-data.js";

export interface ExternalDataReference {
  /** Path relative to the model's folder, as written in the model. */
  location: string;
  offset: number;
  /** Byte count; when absent, the tensor's dims and type decide it. */
  length?: number;
}

/** One external data file a model references. */
export interface ExternalDataFile {
  location: string;
  /** Absolute path on this machine. */
  path: string;
  size: number;
}

/** The external-data entries of a tensor, or undefined when its data is stored inline. */
export function externalDataReference(tensor: TensorProto): ExternalDataReference | undefined {
  if (!isExternalTensor(tensor)) return undefined;
  const entries = new Map(tensor.externalData.map((entry) => [entry.key, entry.value]));
  const location = entries.get("location");
  if (!location) {
    throw new UsageError(
      "MODEL_INVALID",
      `Tensor "${tensor.name}" is external but has no location`,
      {
        hint: "Re-export the model; its external-data entries are incomplete.",
      },
    );
  }
  const offset = Number(entries.get("offset") ?? 0);
  const lengthText = entries.get("length");
  const length = lengthText === undefined ? undefined : Number(lengthText);
  if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && !(length >= 0))) {
    throw new UsageError("MODEL_INVALID", `Tensor "${tensor.name}" has a bad external-data range`, {
      hint: "Re-export the model; its external-data offset or length is not a byte count.",
    });
  }
  return { location, offset, length };
}

/**
 * Absolute path of an external-data location. Absolute locations and any `..` segment are refused
 * (as ONNX Runtime does): a downloaded model must not make mlbuild read files elsewhere.
 */
export function resolveExternalLocation(baseDir: string, location: string): string {
  const segments = location.split(/[\\/]/);
  const resolved = path.resolve(baseDir, location);
  const relative = path.relative(path.resolve(baseDir), resolved);
  const escapes =
    path.isAbsolute(location) ||
    path.win32.isAbsolute(location) ||
    segments.includes("..") ||
    relative === "" ||
    relative === ".." ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative);
  if (escapes) {
    throw new UsageError(
      "EXTERNAL_DATA_OUTSIDE",
      `External data location "${location}" is outside the model's folder`,
      {
        hint:
          "Only files in the model's folder are read; move the data file there and " +
          "re-export the model.",
        details: { location, baseDir },
      },
    );
  }
  return resolved;
}

/**
 * Checks that every external-data file exists inside `baseDir` and is long enough for the ranges
 * the tensors claim. `baseDir` is undefined for a model given as bytes with no folder.
 */
export async function checkExternalData(
  model: ModelProto,
  baseDir: string | undefined,
): Promise<ExternalDataFile[]> {
  const neededBytes = new Map<string, number>();
  for (const tensor of model.graph ? walkTensors(model.graph) : []) {
    const reference = externalDataReference(tensor);
    if (!reference) continue;
    const end = reference.offset + (reference.length ?? tensorDataByteLength(tensor));
    neededBytes.set(reference.location, Math.max(neededBytes.get(reference.location) ?? 0, end));
  }

  const files: ExternalDataFile[] = [];
  for (const [location, needed] of [...neededBytes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (baseDir === undefined) {
      throw new UsageError(
        "EXTERNAL_DATA_MISSING",
        `The model needs external data file "${location}"`,
        {
          hint: "Load the model from its file path, so the data file beside it can be found.",
        },
      );
    }
    const filePath = resolveExternalLocation(baseDir, location);
    const size = await fileSize(filePath, location);
    if (size < needed) {
      throw new UsageError(
        "EXTERNAL_DATA_TRUNCATED",
        `External data file "${location}" is too short`,
        {
          hint:
            `It has ${size} bytes but the model reads up to byte ${needed}; copy the ` +
            `complete file.`,
        },
      );
    }
    files.push({ location, path: filePath, size });
  }
  return files;
}

async function fileSize(filePath: string, location: string): Promise<number> {
  try {
    const info = await stat(filePath);
    if (info.isFile()) return info.size;
  } catch {
    // Reported below with the location the model names.
  }
  throw new UsageError("EXTERNAL_DATA_MISSING", `External data file "${location}" was not found`, {
    hint: `Put "${location}" next to the model (expected at ${filePath}).`,
    details: { location, path: filePath },
  });
}

/** A tensor's bytes wherever they are stored; external locations resolve against `baseDir`. */
export async function readTensorBytes(tensor: TensorProto, baseDir?: string): Promise<Uint8Array> {
  const reference = externalDataReference(tensor);
  if (!reference) return inlineTensorBytes(tensor);
  if (baseDir === undefined) {
    throw new UsageError(
      "EXTERNAL_DATA_MISSING",
      `Tensor "${tensor.name}" needs "${reference.location}"`,
      {
        hint: "Load the model from its file path, so the data file beside it can be found.",
      },
    );
  }

  const length = reference.length ?? tensorDataByteLength(tensor);
  const handle = await open(resolveExternalLocation(baseDir, reference.location), "r");
  try {
    const bytes = new Uint8Array(length);
    const { bytesRead } = await handle.read(bytes, 0, length, reference.offset);
    if (bytesRead !== length) {
      throw new UsageError(
        "EXTERNAL_DATA_TRUNCATED",
        `External data for "${tensor.name}" is cut short`,
        {
          hint: `Copy the complete "${reference.location}" next to the model.`,
        },
      );
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** A copy of the model with every external tensor's bytes moved into raw_data. */
export async function resolveExternalData(model: {
  proto: ModelProto;
  baseDir?: string;
}): Promise<ModelProto> {
  const inlined = clone(ModelProtoSchema, model.proto);
  for (const tensor of inlined.graph ? walkTensors(inlined.graph) : []) {
    if (!isExternalTensor(tensor)) continue;
    tensor.rawData = new Uint8Array(await readTensorBytes(tensor, model.baseDir));
    tensor.externalData = [];
    tensor.dataLocation = TensorProto_DataLocation.DEFAULT;
  }
  return inlined;
}

/** Offsets are aligned so a runtime that maps the file can view each tensor in place. */
const EXTERNAL_ALIGNMENT = 64;

/**
 * A copy of the model whose initializers of at least `minimumBytes` point into one external file
 * at `location`, plus that file's contents. Writing both side by side gives a loadable model.
 */
export function externalizeInitializers(
  model: ModelProto,
  location: string,
  options: { minimumBytes?: number } = {},
): { model: ModelProto; data: Uint8Array } {
  const minimumBytes = options.minimumBytes ?? 1024;
  const externalized = clone(ModelProtoSchema, model);
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  let size = 0;

  for (const tensor of externalized.graph ? walkInitializers(externalized.graph) : []) {
    if (isExternalTensor(tensor)) continue;
    const bytes = inlineTensorBytes(tensor);
    if (bytes.byteLength < minimumBytes) continue;

    const offset = Math.ceil(size / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
    chunks.push({ offset, bytes });
    size = offset + bytes.byteLength;
    tensor.rawData = new Uint8Array(0);
    tensor.floatData = [];
    tensor.int32Data = [];
    tensor.int64Data = [];
    tensor.doubleData = [];
    tensor.uint64Data = [];
    tensor.dataLocation = TensorProto_DataLocation.EXTERNAL;
    tensor.externalData = [
      create(StringStringEntryProtoSchema, { key: "location", value: location }),
      create(StringStringEntryProtoSchema, { key: "offset", value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: "length", value: String(bytes.byteLength) }),
    ];
  }

  const data = new Uint8Array(size);
  for (const chunk of chunks) data.set(chunk.bytes, chunk.offset);
  return { model: externalized, data };
}
