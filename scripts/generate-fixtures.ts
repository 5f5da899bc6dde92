/**
 * Writes the seeded fixture models.
 *
 *   npm run fixtures                      # every preset into test/fixtures/generated/
 *   npm run fixtures -- DIR               # ... into DIR
 *   npm run fixtures -- --example         # examples/model.onnx, the bundled example
 *   npm run fixtures -- --measure         # also print each preset's median latency here
 */
import path from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { fixturePresets, makeExampleModel, writeAllFixtures } from "../src/onnx/fixtures.js";
import { loadModelFile, saveModel } from "../src/onnx/model.js";
import { makeRandomInputs } from "../src/onnx/random-inputs.js";
import { summarizeModel } from "../src/onnx/summary.js";

// Paths are relative to the repository, wherever the script is run from.
const repositoryRoot = path.resolve(import.meta.dirname, "..");
const DEFAULT_DIR = path.join(repositoryRoot, "test/fixtures/generated");
const EXAMPLE_PATH = path.join(repositoryRoot, "examples/model.onnx");

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { example: { type: "boolean" }, measure: { type: "boolean" } },
  });

  if (values.example) {
    const bytes = await saveModel(makeExampleModel(), EXAMPLE_PATH);
    console.log(`wrote ${path.relative(process.cwd(), EXAMPLE_PATH)} (${bytes.byteLength} bytes)`);
    return;
  }

  const dir = positionals[0] ?? DEFAULT_DIR;
  const written = await writeAllFixtures(dir);
  console.log(`wrote ${written.length} fixtures to ${dir}`);
  if (values.measure) {
    for (const fixture of fixturePresets) {
      const milliseconds = await medianLatency(
        path.join(dir, `${fixture.name}.onnx`),
        fixture.referenceBatch,
      );
      const expected = fixture.approximateMilliseconds;
      const note = expected === undefined ? "" : ` (tuned for ~${expected} ms)`;
      console.log(
        `${fixture.name.padEnd(18)} ` +
          `batch ${String(fixture.referenceBatch).padStart(3)}: ` +
          `${milliseconds.toFixed(3)} ms${note}`,
      );
    }
  }
}

/** Median of at least 50 runs and one second of runs, after 20 warm-up runs. */
async function medianLatency(modelPath: string, batch: number): Promise<number> {
  const summary = summarizeModel(await loadModelFile(modelPath));
  const inputs = makeRandomInputs(summary.inputs, { seed: 1, dimensions: { batch } });
  const feeds = Object.fromEntries(
    inputs.map((input) => [
      input.name,
      new ort.Tensor(input.dtype as ort.Tensor.Type, input.data, input.dims),
    ]),
  );
  const session = await ort.InferenceSession.create(modelPath);
  try {
    for (let run = 0; run < 20; run++) await session.run(feeds);
    const samples: number[] = [];
    const deadline = performance.now() + 1000;
    while (samples.length < 50 || performance.now() < deadline) {
      const start = performance.now();
      await session.run(feeds);
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)];
  } finally {
    await session.release();
  }
}

await main();
