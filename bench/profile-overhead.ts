/**
 * How much ONNX Runtime's profiler slows what it profiles, so a reader knows how far `profile`'s
 * latency is from `benchmark`'s. For a fast CNN and an MLP near 1 ms, rounds alternate between
 * `runBenchmark` and `runProfile` (each a fresh child process) on the same build, and the script
 * prints the ratio of their mean latencies and the share of the latency in no node.
 *
 *   npm run build && node --import tsx bench/profile-overhead.ts [--rounds 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runBenchmark } from "../src/bench/benchmark.js";
import { buildModel } from "../src/build/build.js";
import { writeFixture } from "../src/onnx/fixtures.js";
import { runProfile } from "../src/profile/profile.js";
import { median } from "../src/stats/descriptive.js";
import { initWorkspace } from "../src/workspace.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = Number(values.rounds);
const cases = [
  { fixture: "cnn-small", batch: 1, runs: 200 },
  { fixture: "mlp-1ms", batch: 16, runs: 100 },
];

const directory = mkdtempSync(path.join(os.tmpdir(), "mlbuild-profile-overhead-"));
try {
  const { workspace } = await initWorkspace({ registryDir: path.join(directory, ".mlbuild") });
  for (const testCase of cases) {
    const model = await writeFixture(testCase.fixture, directory);
    const { build } = await buildModel(workspace, { model, target: "cpu" });
    const benchmarkMeans: number[] = [];
    const profileMeans: number[] = [];
    const inNoNode: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const options = { runs: testCase.runs, warmup: 20, batch: testCase.batch, store: false };
      const measured = await runBenchmark(workspace, build, options);
      benchmarkMeans.push(measured.summary.latency.mean_ms);
      const profiled = await runProfile(workspace, build, options);
      profileMeans.push(profiled.summary.accounting.measured_ms);
      inNoNode.push(profiled.summary.accounting.not_in_any_node_share);
    }
    const ratio = median(profileMeans) / median(benchmarkMeans);
    console.log(
      `${testCase.fixture.padEnd(10)} benchmark ${median(benchmarkMeans).toFixed(3)} ms, ` +
        `profile ${median(profileMeans).toFixed(3)} ms, ratio ${ratio.toFixed(3)}, ` +
        `in no node ${(median(inNoNode) * 100).toFixed(1)}% (medians of ${rounds} rounds)`,
    );
  }
  await workspace.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
