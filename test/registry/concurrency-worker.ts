import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildModel } from "../../src/build/build.js";
import { listBuildEntries } from "../../src/build/history.js";
import { makeMlp } from "../../src/onnx/fixtures/mlp.js";
import { encodeModel } from "../../src/onnx/proto.js";
import { openWorkspace } from "../../src/workspace.js";
import { benchmarkRecord } from "./backends.js";

/**
 * One of the processes of the PostgreSQL concurrency test. Usage:
 *   concurrency-worker.ts URL WORKSPACE_DIR WORKER ITERATIONS RUN_ID
 * Each iteration really builds a distinct small model, records a benchmark of it with its
 * samples, moves the shared `production` tag to it, logs a metric to a shared run and lists the
 * log, as a CI runner would. Prints what it did as JSON for the test to check.
 */
const [url, directory, worker, iterations, runId] = process.argv.slice(2);
const workspace = await openWorkspace({ registryUrl: url, registryDir: directory });
const { registry } = workspace;
const done: Array<{ buildId: string; benchmarkId: string; previous: string | null }> = [];

for (let iteration = 0; iteration < Number(iterations); iteration++) {
  const seed = Number(worker) * 1000 + iteration;
  const model = path.join(directory, `model-${seed}.onnx`);
  writeFileSync(
    model,
    encodeModel(makeMlp({ inputSize: 4, hiddenSizes: [4], outputSize: 2, seed })),
  );
  const { build } = await buildModel(workspace, { model, target: "cpu" });

  const benchmarkId = `benchmark-${seed}`;
  const samples = Array.from({ length: 200 }, (_, index) => seed + index / 1000);
  await registry.transaction((tx) =>
    registry.benchmarks.insert(benchmarkRecord(benchmarkId, build.buildId, samples), tx),
  );

  const moved = await registry.transaction((tx) =>
    registry.tags.set(tx, "production", build.buildId, { force: true }),
  );
  await registry.runs.appendMetric(runId, `metric-${seed}`, {
    key: "throughput",
    value: seed,
    step: iteration,
    loggedAt: new Date().toISOString(),
  });
  await listBuildEntries(registry, { limit: 20 });
  done.push({ buildId: build.buildId, benchmarkId, previous: moved.previous });
}

await workspace.close();
process.stdout.write(`${JSON.stringify(done)}\n`);
