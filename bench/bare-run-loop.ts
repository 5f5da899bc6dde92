/**
 * The reference for bench/benchmark-overhead.ts: a bare `session.run` loop in its own process,
 * with the harness's session options and inputs, and nothing else. Prints its samples as JSON.
 *
 *   node --import tsx bench/bare-run-loop.ts MODEL RUNS WARMUP BATCH
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import * as ort from "onnxruntime-node";
import { prepareInputs } from "../src/runtime/inputs.js";
import { sessionOptions } from "../src/runtime/session.js";
import { parseTarget } from "../src/runtime/targets.js";

const [modelPath, runsText, warmupText, batchText] = process.argv.slice(2);
const session = await ort.InferenceSession.create(
  await readFile(modelPath),
  sessionOptions(parseTarget("cpu")),
);
const signatures = session.inputMetadata.map((metadata) => ({
  name: metadata.name,
  dtype: metadata.isTensor ? metadata.type : "unknown",
  shape: metadata.isTensor ? [...metadata.shape] : null,
}));
const feeds: Record<string, ort.Tensor> = {};
for (const input of await prepareInputs(signatures, { batch: Number(batchText) })) {
  feeds[input.name] = new ort.Tensor(
    input.dtype as "float32",
    input.data as Float32Array,
    input.shape,
  );
}

for (let index = 0; index < Number(warmupText); index++) await session.run(feeds);
const samples = new Float64Array(Number(runsText));
for (let index = 0; index < samples.length; index++) {
  const start = performance.now();
  await session.run(feeds);
  samples[index] = performance.now() - start;
}
process.stdout.write(JSON.stringify(Array.from(samples)));
