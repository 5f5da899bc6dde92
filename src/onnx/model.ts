/**
 * Loading and saving `.onnx` files. Loading checks everything that can be checked without a
 * runtime, so a bad model fails here with a message that names it, before any build or benchmark
 * work starts.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { checkExternalData, type ExternalDataFile } from "./external-data.js";
import { decodeModel, encodeModel, type ModelProto } from "./proto.js";
import { sniffNonOnnxFormat } from "./sniff.js";

export type { ExternalDataFile } from "./external-data.js";

export interface LoadedModel {
  proto: ModelProto;
  /** The `.onnx` bytes exactly as read. */
  bytes: Uint8Array;
  /** Absolute path of the `.onnx` file, when it was loaded from disk. */
  path?: string;
  /** Folder that external-data locations resolve against. */
  baseDir?: string;
  /** How messages name the model: the path as the user gave it, or a caller-chosen label. */
  label: string;
  /** Size of the `.onnx` file alone. */
  byteSize: number;
  /** External data files the model references, sorted by location. */
  externalDataFiles: ExternalDataFile[];
}

export interface LoadBufferOptions {
  /** Folder to find external data in; without it a model with external data is refused. */
  baseDir?: string;
  /** Name for messages, such as "git:main:models/model.onnx". */
  label?: string;
}

/**
 * IR versions are small integers (11 in ONNX 1.20). Random bytes can decode as a protobuf whose
 * field 1 is any number, so a wildly large value means "not a model".
 */
const MAX_PLAUSIBLE_IR_VERSION = 100n;

export async function loadModelFile(filePath: string): Promise<LoadedModel> {
  const absolutePath = path.resolve(filePath);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolutePath);
  } catch (error) {
    throw readError(error, filePath);
  }
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const loaded = await loadModelBuffer(view, {
    baseDir: path.dirname(absolutePath),
    label: filePath,
  });
  return { ...loaded, path: absolutePath };
}

function readError(error: unknown, filePath: string): UsageError {
  const code = (error as { code?: unknown }).code;
  if (code === "EISDIR") {
    return new UsageError("MODEL_NOT_FOUND", `Model path "${filePath}" is a directory`, {
      hint: "Pass the .onnx file inside it.",
      cause: error,
    });
  }
  if (code === "EACCES" || code === "EPERM") {
    return new UsageError("MODEL_UNREADABLE", `Model file "${filePath}" cannot be read`, {
      hint: "Check the file's permissions.",
      cause: error,
    });
  }
  return new UsageError("MODEL_NOT_FOUND", `Model file "${filePath}" does not exist`, {
    hint: "Check the path; to use the file as it is at a Git revision, write git:REV:PATH.",
    cause: error,
  });
}

export async function loadModelBuffer(
  bytes: Uint8Array,
  options: LoadBufferOptions = {},
): Promise<LoadedModel> {
  const label = options.label ?? "model";
  const proto = parseModel(bytes, label);
  const externalDataFiles = await checkExternalData(proto, options.baseDir);
  return {
    proto,
    bytes,
    baseDir: options.baseDir,
    label,
    byteSize: bytes.byteLength,
    externalDataFiles,
  };
}

function parseModel(bytes: Uint8Array, label: string): ModelProto {
  if (bytes.byteLength === 0) {
    throw new UsageError("MODEL_EMPTY", `Model "${label}" is empty (0 bytes)`, {
      hint: "The file was cut short while saving or copying; export or download it again.",
    });
  }

  const format = sniffNonOnnxFormat(bytes);
  if (format) {
    throw new UsageError("MODEL_INVALID", `Model "${label}" is ${format.description}, not ONNX`, {
      hint: format.hint,
    });
  }

  let proto: ModelProto;
  try {
    proto = decodeModel(bytes);
  } catch (error) {
    throw new UsageError("MODEL_INVALID", `Model "${label}" is not a valid ONNX file`, {
      hint: "It may be truncated or another format; export or download it again.",
      cause: error,
    });
  }

  checkStructure(proto, label);
  return proto;
}

/** The checks that tell a real model from bytes that merely happen to parse as protobuf. */
function checkStructure(proto: ModelProto, label: string): void {
  if (proto.irVersion <= 0n || proto.irVersion > MAX_PLAUSIBLE_IR_VERSION) {
    throw new UsageError(
      "MODEL_INVALID",
      `Model "${label}" is not an ONNX model (no valid IR version)`,
      {
        hint: "Check that the file is an .onnx export; export or download it again.",
      },
    );
  }
  if (!proto.graph) {
    throw new UsageError("MODEL_NO_GRAPH", `Model "${label}" has no graph`, {
      hint: "The file is incomplete or not an inference model; export it again.",
    });
  }
  if (proto.graph.node.length === 0) {
    throw new UsageError("MODEL_NO_GRAPH", `Model "${label}" has a graph with no nodes`, {
      hint: "There is nothing to run; check that the export finished.",
    });
  }
  // opset_import is written after the graph, so a file cut between the two fields still parses
  // but has none.
  if (proto.opsetImport.length === 0) {
    throw new UsageError("MODEL_INVALID", `Model "${label}" declares no operator set`, {
      hint: "The file looks truncated; export or download it again.",
    });
  }
}

/**
 * Writes the model atomically: to a temporary file in the same folder, then renamed, so a crash
 * never leaves half a model at `filePath`. Returns the bytes written. External-data references
 * are written as they are: to save a model somewhere its data files are not, inline them first
 * with `resolveExternalData`.
 */
export async function saveModel(model: ModelProto, filePath: string): Promise<Uint8Array> {
  const bytes = encodeModel(model);
  await writeFileAtomically(filePath, bytes);
  return bytes;
}

export async function writeFileAtomically(filePath: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.resolve(filePath)), { recursive: true });
  const temporaryPath = `${filePath}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporaryPath, bytes);
    await rename(temporaryPath, filePath);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
}
