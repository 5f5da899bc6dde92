/**
 * The tensors a benchmark feeds a model: seeded random data of the right type and shape, or
 * the user's own data from `--inputs DIR`. Everything is checked against the model's inputs
 * here, in the parent process, so a name, type or shape mismatch is a usage error (exit 2)
 * before any runtime starts.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";
import { createRng, type Rng } from "../stats/random.js";
import { toFloat16Bits } from "./float16.js";
import { readInputFile } from "./input-files.js";
import {
  allocate,
  elementCount,
  type InputSignature,
  type InputTensor,
  isSupportedDtype,
  supportedDtypes,
} from "./tensor-types.js";

export type { InputSignature, InputTensor } from "./tensor-types.js";

export interface InputOptions {
  /** `--shape name=1x3x224x224`, repeatable; `name=` alone means a scalar. */
  shapes?: readonly string[];
  /** `--batch B`: the first dimension of every input whose first dimension is symbolic. */
  batch?: number;
  /** `--inputs DIR`: one `NAME.npy` or `NAME.json` per input. */
  inputsDir?: string;
  /** Seed of the random data. @default 0 */
  seed?: number;
}

export interface ShapeOverride {
  name: string;
  shape: number[];
}

/** Parses one `--shape` value such as `images=1x3x224x224`. */
export function parseShapeOverride(text: string): ShapeOverride {
  const separator = text.lastIndexOf("=");
  const name = text.slice(0, separator).trim();
  const dims = text.slice(separator + 1).trim();
  if (separator <= 0 || !/^([1-9][0-9]*(x[1-9][0-9]*)*)?$/i.test(dims)) {
    throw new UsageError("SHAPE_INVALID", `Bad --shape '${text}'`, {
      hint: "Write NAME=DIMS with whole numbers ≥ 1, e.g. --shape images=1x3x224x224.",
    });
  }
  return { name, shape: dims === "" ? [] : dims.split(/x/i).map(Number) };
}

function inputNames(signatures: readonly InputSignature[]): string {
  return signatures.map((signature) => signature.name).join(", ");
}

function unknownInput(
  name: string,
  signatures: readonly InputSignature[],
  via: string,
): UsageError {
  return new UsageError("INPUT_UNKNOWN", `The model has no input named '${name}' (${via})`, {
    hint: `Its inputs are: ${inputNames(signatures)}.`,
  });
}

function shapeText(shape: readonly (number | string)[]): string {
  return shape.length === 0 ? "scalar" : `[${shape.join(", ")}]`;
}

/** Checks a concrete shape against a signature and records what it says about symbols. */
function bindShape(
  signature: InputSignature,
  shape: readonly number[],
  symbols: Map<string, number>,
  via: string,
): void {
  const expected = signature.shape;
  const mismatch = (why: string) =>
    new UsageError(
      "SHAPE_MISMATCH",
      `Input '${signature.name}' ${via} has shape ${shapeText(shape)}, but the model ` +
        `expects ${shapeText(expected ?? [])}: ${why}`,
      {
        hint:
          "Give a shape with the model's rank whose fixed dimensions match (see " +
          "`mlbuild inspect`).",
      },
    );
  if (expected === null) return;
  if (expected.length !== shape.length) throw mismatch(`rank ${shape.length} ≠ ${expected.length}`);
  expected.forEach((dim, axis) => {
    if (typeof dim === "number" && dim > 0 && dim !== shape[axis]) {
      throw mismatch(`dimension ${axis} must be ${dim}`);
    }
    if (typeof dim === "string" && dim !== "?") {
      const bound = symbols.get(dim);
      if (bound !== undefined && bound !== shape[axis]) {
        throw mismatch(`'${dim}' is already ${bound} from another input`);
      }
      symbols.set(dim, shape[axis]);
    }
  });
}

/** The shape of an input nobody gave explicitly: symbols from elsewhere, else 1. */
function defaultShape(
  signature: InputSignature,
  symbols: Map<string, number>,
  batch: number | undefined,
): number[] {
  if (signature.shape === null) {
    throw new UsageError("SHAPE_UNKNOWN", `Input '${signature.name}' has no known rank`, {
      hint: `Give its shape with --shape ${signature.name}=DIMS.`,
    });
  }
  return signature.shape.map((dim, axis) => {
    if (typeof dim === "number" && dim > 0) return dim;
    if (axis === 0 && batch !== undefined) return batch;
    if (typeof dim === "string" && dim !== "?") return symbols.get(dim) ?? 1;
    return 1;
  });
}

/** Applies `--batch` to the symbolic first dimensions, so later shapes agree with it. */
function bindBatch(
  signatures: readonly InputSignature[],
  batch: number | undefined,
  symbols: Map<string, number>,
): void {
  if (batch === undefined) return;
  const batched = signatures.filter((signature) => {
    const first = signature.shape?.[0];
    return first !== undefined && (typeof first === "string" || first <= 0);
  });
  if (batched.length === 0) {
    throw new UsageError("BATCH_FIXED", "No input of this model has a symbolic batch dimension", {
      hint: "Drop --batch, or use --shape NAME=DIMS to set shapes the model allows.",
    });
  }
  for (const signature of batched) {
    const first = signature.shape?.[0];
    if (typeof first === "string" && first !== "?") symbols.set(first, batch);
  }
}

function checkDtype(signature: InputSignature): void {
  if (!isSupportedDtype(signature.dtype)) {
    throw new UsageError(
      "INPUT_TYPE_UNSUPPORTED",
      `Input '${signature.name}' is ${signature.dtype}; mlbuild can ` +
        `generate ${supportedDtypes.join(", ")}`,
      { hint: "Benchmark a model whose inputs are plain numeric tensors." },
    );
  }
}

/** Fills a tensor with seeded values that suit its type (see docs/benchmarking.md). */
export function randomTensor(name: string, dtype: string, shape: number[], rng: Rng): InputTensor {
  const count = elementCount(shape);
  const data = allocate(dtype, count);
  if (dtype === "float16") {
    const values = Array.from({ length: count }, () => rng.next() * 2 - 1);
    (data as Uint16Array).set(toFloat16Bits(values));
  } else if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let index = 0; index < count; index++) data[index] = BigInt(rng.integer(10));
  } else if (dtype === "bool") {
    for (let index = 0; index < count; index++) data[index] = rng.integer(2);
  } else if (dtype === "uint8") {
    for (let index = 0; index < count; index++) data[index] = rng.integer(256);
  } else if (dtype.startsWith("float")) {
    for (let index = 0; index < count; index++) data[index] = rng.next() * 2 - 1;
  } else {
    // Small non-negative integers: valid as indices, token ids and counts in most models.
    for (let index = 0; index < count; index++) data[index] = rng.integer(10);
  }
  return { name, dtype, shape, data };
}

/** Resolves `--inputs DIR`: exactly one file per model input, none left over. */
async function loadInputsDir(
  directory: string,
  signatures: readonly InputSignature[],
): Promise<Map<string, InputTensor>> {
  let files: string[];
  try {
    files = (await readdir(directory)).filter((file) => /\.(npy|json)$/i.test(file));
  } catch {
    throw new UsageError(
      "INPUTS_DIR_NOT_FOUND",
      `--inputs '${directory}' is not a readable folder`,
      {
        hint: "Pass a folder holding one NAME.npy or NAME.json per model input.",
      },
    );
  }
  const byName = new Map(signatures.map((signature) => [signature.name, signature]));
  const tensors = new Map<string, InputTensor>();
  for (const file of files) {
    const name = file.replace(/\.(npy|json)$/i, "");
    const signature = byName.get(name);
    if (!signature) throw unknownInput(name, signatures, `file ${file} in --inputs`);
    if (tensors.has(name)) {
      throw new UsageError("INPUT_DUPLICATE", `--inputs has two files for input '${name}'`, {
        hint: "Keep either the .npy or the .json file.",
      });
    }
    const full = path.join(directory, file);
    tensors.set(name, readInputFile(await readFile(full), full, signature));
  }
  const missing = signatures.filter((signature) => !tensors.has(signature.name));
  if (missing.length > 0) {
    throw new UsageError("INPUT_MISSING", `--inputs lacks a file for ${inputNames(missing)}`, {
      hint:
        `Add ${missing.map((signature) => `${signature.name}.npy`).join(", ")} ` +
        `to ${directory}.`,
    });
  }
  return tensors;
}

/**
 * Every input tensor the model needs, in the model's input order. Explicit data (`--inputs`)
 * and explicit shapes (`--shape`) bind symbolic dimensions first, so the generated inputs
 * agree with them (a shared "batch" or "sequence" stays the same across inputs).
 */
export async function prepareInputs(
  signatures: readonly InputSignature[],
  options: InputOptions = {},
): Promise<InputTensor[]> {
  signatures.forEach(checkDtype);
  const symbols = new Map<string, number>();
  const byName = new Map(signatures.map((signature) => [signature.name, signature]));

  const overrides = new Map<string, number[]>();
  for (const text of options.shapes ?? []) {
    const { name, shape } = parseShapeOverride(text);
    if (!byName.has(name)) throw unknownInput(name, signatures, `in --shape ${text}`);
    overrides.set(name, shape);
  }
  bindBatch(signatures, options.batch, symbols);

  const given = options.inputsDir
    ? await loadInputsDir(options.inputsDir, signatures)
    : new Map<string, InputTensor>();
  for (const tensor of given.values()) {
    const signature = byName.get(tensor.name) as InputSignature;
    bindShape(signature, tensor.shape, symbols, "in --inputs");
    const override = overrides.get(tensor.name);
    if (override && override.join("x") !== tensor.shape.join("x")) {
      throw new UsageError("SHAPE_CONFLICT", `--shape and --inputs disagree on '${tensor.name}'`, {
        hint: "Drop the --shape for inputs whose data comes from --inputs.",
      });
    }
  }
  for (const [name, shape] of overrides) {
    if (!given.has(name))
      bindShape(byName.get(name) as InputSignature, shape, symbols, "from --shape");
  }

  const rng = createRng(options.seed ?? 0);
  return signatures.map((signature) => {
    const fromFile = given.get(signature.name);
    if (fromFile) return fromFile;
    const shape = overrides.get(signature.name) ?? defaultShape(signature, symbols, options.batch);
    return randomTensor(signature.name, signature.dtype, shape, rng);
  });
}

/** How the inputs are described in a benchmark's config: no data, just what was fed. */
export function describeInputs(tensors: readonly InputTensor[]): Record<string, string> {
  return Object.fromEntries(
    tensors.map((tensor) => [tensor.name, `${tensor.dtype}[${tensor.shape.join(", ")}]`]),
  );
}
