/**
 * Does `benchmark --concurrency 2` serve more than `--concurrency 1`? On a ~1 ms model
 * (mlp-20ms at batch 4), rounds alternate C=1 and C=2 through `runBenchmark` (fresh child
 * each) and the script prints the throughputs and their ratio; C=1 is run both with one
 * intra-op thread (what each lane gets) and with the runtime's default. On a 2-core machine
 * shared with others the ratio is a figure to read, not a pass/fail.
 *
 * First, the evidence for the lanes: two `run()` promises in flight on ONE onnxruntime-node
 * session, against the same runs one after another. A wall-time ratio near 1 means one session
 * does not overlap runs (its `run` blocks the JS thread).
 *
 *   npm run build && node --import tsx bench/concurrency.ts [--rounds 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { writeFixture } from "../src/onnx/fixtures.js";
import { median } from "../src/stats/descriptive.js";
import { buildModel, compiled, initWorkspace, runBenchmark } from "./harness-modules.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = Number(values.rounds);
const batch = 4;
const runs = 1000;

/** Wall time of `count` runs one after another, then as two chains of promises in flight. */
async function singleSessionProbe(modelFile: string, count: number) {
  const session = await ort.InferenceSession.create(await readFile(modelFile), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const feeds = { input: new ort.Tensor("float32", new Float32Array(batch * 1024), [batch, 1024]) };
  for (let index = 0; index < 20; index++) await session.run(feeds);
  let start = performance.now();
  for (let index = 0; index < count; index++) await session.run(feeds);
  const sequentialMs = performance.now() - start;
  start = performance.now();
  const chain = async () => {
    for (let index = 0; index < count / 2; index++) await session.run(feeds);
  };
  await Promise.all([chain(), chain()]);
  const inFlightMs = performance.now() - start;
  await session.release();
  return { sequentialMs, inFlightMs };
}

const directory = mkdtempSync(path.join(os.tmpdir(), "mlbuild-concurrency-"));
const { workspace } = await initWorkspace({ registryDir: path.join(directory, ".mlbuild") });
console.log(`harness from ${compiled ? "dist/ (compiled)" : "src/ via tsx"}; ${rounds} rounds`);
try {
  const modelFile = await writeFixture("mlp-20ms", directory);
  const probe = await singleSessionProbe(modelFile, 400);
  console.log(
    `one session, 400 runs: sequential ${probe.sequentialMs.toFixed(0)} ms, two in flight ` +
      `${probe.inFlightMs.toFixed(0)} ms ` +
      `(ratio ${(probe.inFlightMs / probe.sequentialMs).toFixed(3)}; ` +
      "≈1 means no overlap on one session)",
  );

  const { build } = await buildModel(workspace, { model: modelFile, target: "cpu" });
  const sides = [
    { name: "C=1, default threads", concurrency: 1, threads: undefined },
    { name: "C=1, 1 thread", concurrency: 1, threads: 1 },
    { name: "C=2, 1 thread/lane", concurrency: 2, threads: undefined },
  ];
  const throughput = new Map(sides.map((side) => [side.name, [] as number[]]));
  const p50 = new Map(sides.map((side) => [side.name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order, so a machine that slows down over time favours no side.
    const order = sides.map((_, index) => sides[(index + round) % sides.length]);
    for (const side of order) {
      const result = await runBenchmark(workspace, build, {
        runs,
        warmup: 100,
        batch,
        concurrency: side.concurrency,
        threads: side.threads,
        store: false,
      });
      throughput.get(side.name)?.push(result.summary.throughput.inferences_per_s);
      p50.get(side.name)?.push(result.summary.latency.percentiles.p50.value_ms);
    }
  }
  for (const side of sides) {
    const rounds = throughput.get(side.name) ?? [];
    console.log(
      `${side.name.padEnd(22)} throughput ` +
        `median ${median(rounds).toFixed(0)}/s ` +
        `(rounds ${rounds.map((value) => value.toFixed(0)).join(", ")}), ` +
        `p50 ${median(p50.get(side.name) ?? []).toFixed(3)} ms`,
    );
  }
  const two = median(throughput.get(sides[2].name) ?? []);
  const oneThread = median(throughput.get(sides[1].name) ?? []);
  const defaultThreads = median(throughput.get(sides[0].name) ?? []);
  console.log(
    `ratio C=2 / C=1 (1 thread): ${(two / oneThread).toFixed(3)}; ` +
      `C=2 / C=1 (default threads): ${(two / defaultThreads).toFixed(3)}; ` +
      `${os.cpus().length} logical cores, load ${os.loadavg()[0].toFixed(2)}`,
  );
} finally {
  await workspace.close();
  rmSync(directory, { recursive: true, force: true });
}
