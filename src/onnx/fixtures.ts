/**
 * Fixture models built in code from a seed: the same seed always gives byte-identical files.
 * Tests, benchmarks and the bundled example all come from here, so nothing is downloaded.
 */
import path from "node:path";
import { UsageError } from "../errors.js";
import { type FixtureFiles, type FixturePreset, fixturePresets } from "./fixtures/presets.js";
import { saveModel, writeFileAtomically } from "./model.js";

export { type CnnOptions, makeCnn } from "./fixtures/cnn.js";
export { type MlpOptions, makeMlp } from "./fixtures/mlp.js";
export {
  type FixtureFiles,
  type FixturePreset,
  fixturePresets,
  makeExampleModel,
} from "./fixtures/presets.js";
export { glorotLimit, SeededRandom } from "./fixtures/random.js";
export {
  makeControlFlowModel,
  makeExternalDataModel,
  makeFloat16Model,
  makeLargeWeightsModel,
  makeMultiInputModel,
  makeNoWeightsModel,
  makeRecurrentModel,
  type RecurrentOptions,
} from "./fixtures/special.js";
export { makeTransformerBlock, type TransformerBlockOptions } from "./fixtures/transformer.js";

export function fixtureNames(): string[] {
  return fixturePresets.map((fixture) => fixture.name);
}

export function findFixture(name: string): FixturePreset {
  const fixture = fixturePresets.find((candidate) => candidate.name === name);
  if (!fixture) {
    throw new UsageError("FIXTURE_UNKNOWN", `There is no fixture named "${name}"`, {
      hint: `Choose one of: ${fixtureNames().join(", ")}.`,
    });
  }
  return fixture;
}

/** Builds a named fixture in memory. */
export function buildFixture(name: string): FixtureFiles {
  return findFixture(name).build();
}

/**
 * Writes `<dir>/<name>.onnx` (and its external data file, if any) and returns the model's path.
 */
export async function writeFixture(name: string, dir: string): Promise<string> {
  const modelPath = path.join(dir, `${name}.onnx`);
  await writeFixtureFiles(buildFixture(name), modelPath);
  return modelPath;
}

/** Writes a model and its external data file beside it. */
export async function writeFixtureFiles(files: FixtureFiles, modelPath: string): Promise<void> {
  if (files.externalData) {
    const dataPath = path.join(path.dirname(modelPath), files.externalData.location);
    await writeFileAtomically(dataPath, files.externalData.data);
  }
  await saveModel(files.model, modelPath);
}

/** Writes every preset into `dir`; returns the model paths in catalog order. */
export async function writeAllFixtures(dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const name of fixtureNames()) written.push(await writeFixture(name, dir));
  return written;
}
