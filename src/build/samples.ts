/**
 * The input samples a transformed build is calibrated and checked with: the user's calibration
 * folder, or seeded random inputs when there is none. Files are read by the benchmark's input
 * reader (`runtime/inputs.ts`), so `.npy` and JSON mean the same thing everywhere.
 */
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isMlbuildError, UsageError } from "../errors.js";
import type { LoadedModel } from "../onnx/model.js";
import { summarizeModel } from "../onnx/summary.js";
import { type InputTensor, prepareInputs } from "../runtime/inputs.js";

export interface InputSamples {
  samples: InputTensor[][];
  /**
   * How the samples were chosen, for the build record: "calibration:DIR" or "random(seed=0..7)".
   */
  source: string;
  /**
   * SHA-256 over the samples' names, types, shapes and bytes: part of a calibrated build's
   * identity.
   */
  digest: string;
}

/** Random samples used when no data is given; enough for stable error figures on small models. */
export const RANDOM_SAMPLE_COUNT = 8;

/** Symbolic dimensions other than the first (batch) get this size in random samples. */
const SYMBOLIC_DIMENSION_SIZE = 64;

function randomShapes(model: LoadedModel): string[] {
  return summarizeModel(model).inputs.flatMap((input) => {
    if (!input.shape || input.shape.every((dim) => typeof dim === "number" && dim > 0)) return [];
    const dims = input.shape.map((dim, axis) => {
      if (typeof dim === "number" && dim > 0) return dim;
      return axis === 0 ? 1 : SYMBOLIC_DIMENSION_SIZE;
    });
    return [`${input.name}=${dims.join("x")}`];
  });
}

export async function randomSamples(
  model: LoadedModel,
  count = RANDOM_SAMPLE_COUNT,
): Promise<InputSamples> {
  const signatures = summarizeModel(model).inputs;
  const shapes = randomShapes(model);
  const samples: InputTensor[][] = [];
  for (let seed = 0; seed < count; seed++)
    samples.push(await prepareInputs(signatures, { shapes, seed }));
  return { samples, source: `random(seed=0..${count - 1})`, digest: digestOf(samples) };
}

/**
 * Reads a calibration folder: one subfolder per sample, each holding one `NAME.npy` or
 * `NAME.json` per model input (the `--inputs` layout); a folder holding the files directly is a
 * single sample.
 */
export async function calibrationSamples(
  model: LoadedModel,
  directory: string,
): Promise<InputSamples> {
  const entries = await listFolder(directory);
  const sampleDirs: string[] = [];
  for (const entry of entries) {
    if ((await stat(path.join(directory, entry))).isDirectory()) sampleDirs.push(entry);
  }
  const hasFiles = entries.some((entry) => /\.(npy|json)$/i.test(entry));
  const folders = hasFiles ? ["."] : sampleDirs;
  if (folders.length === 0) {
    throw new UsageError(
      "CALIBRATION_EMPTY",
      `Calibration folder '${directory}' holds no samples`,
      {
        hint: "Add NAME.npy (or NAME.json) per model input, or one subfolder of them per sample.",
      },
    );
  }

  const signatures = summarizeModel(model).inputs;
  const samples: InputTensor[][] = [];
  for (const folder of folders) {
    const sampleDir = path.join(directory, folder);
    try {
      samples.push(await prepareInputs(signatures, { inputsDir: sampleDir }));
    } catch (error) {
      throw calibrationError(error, sampleDir);
    }
  }
  return { samples, source: `calibration:${directory}`, digest: digestOf(samples) };
}

async function listFolder(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).sort();
  } catch {
    throw new UsageError(
      "CALIBRATION_NOT_FOUND",
      `--calibration '${directory}' is not a readable folder`,
      {
        hint: "Pass a folder of .npy or .json samples, one subfolder per sample.",
      },
    );
  }
}

/** The input reader's error, said about calibration rather than `--inputs`. */
function calibrationError(error: unknown, sampleDir: string): unknown {
  if (!isMlbuildError(error)) return error;
  const reason = error.message.replace(/ ?\(?in --inputs\)?/g, "");
  const message = `Calibration sample '${sampleDir}': ${reason}`;
  return new UsageError(`CALIBRATION_${error.code}`, message, { hint: error.hint, cause: error });
}

function digestOf(samples: readonly InputTensor[][]): string {
  const hash = createHash("sha256");
  for (const sample of samples) {
    for (const tensor of sample) {
      hash.update(`${tensor.name}:${tensor.dtype}:${tensor.shape.join("x")};`);
      hash.update(
        new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength),
      );
    }
  }
  return hash.digest("hex");
}
