/**
 * How much the benchmark harness adds to what it measures. For a model under 1 ms and one near
 * 20 ms, rounds alternate between the harness (`runBenchmark`, a fresh child process) and a bare
 * `session.run` loop (bench/bare-run-loop.ts, also a fresh process), and the script prints the
 * ratio of their medians. Aims: within 3% for the fast model, within 1% for the slow one. It
 * also prints the harness's wall time outside the samples: process start, runtime load,
 * session creation, first inference.
 *
 *   npm run build && node --import tsx bench/benchmark-overhead.ts [--rounds 3]
 *
 * With dist/ built the harness's child runs compiled JavaScript, as users run it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { writeFixture } from "../src/onnx/fixtures.js";
import { median } from "../src/stats/descriptive.js";
import {
  buildModel,
  compiled,
  initWorkspace,
  repositoryRoot,
  runBenchmark,
} from "./harness-modules.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(values.rounds);

interface Case {
  fixture: string;
  runs: number;
  warmup: number;
  aim: number;
  /** The batch at which the fixture takes its nominal time (see onnx/fixtures/presets.ts). */
  batch: number;
}

const cases: Case[] = [
  { fixture: "mlp-small", runs: 2000, warmup: 200, aim: 0.03, batch: 1 },
  { fixture: "mlp-20ms", runs: 60, warmup: 10, aim: 0.01, batch: 256 },
];

async function bareLoop(model: string, testCase: Case): Promise<number[]> {
  const script = path.join(repositoryRoot, "bench/bare-run-loop.ts");
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      script,
      model,
      ...[testCase.runs, testCase.warmup, testCase.batch].map(String),
    ],
    { cwd: repositoryRoot, maxBuffer: 64 * 2 ** 20 },
  );
  return JSON.parse(stdout) as number[];
}

const directory = mkdtempSync(path.join(os.tmpdir(), "mlbuild-overhead-"));
const { workspace } = await initWorkspace({ registryDir: path.join(directory, ".mlbuild") });
console.log(`harness from ${compiled ? "dist/ (compiled)" : "src/ via tsx"}; ${rounds} rounds`);
try {
  for (const testCase of cases) {
    const modelFile = await writeFixture(testCase.fixture, directory);
    const { build } = await buildModel(workspace, { model: modelFile, target: "cpu" });
    const harness: number[] = [];
    const bare: number[] = [];
    const outside: number[] = [];
    const roundRatios: number[] = [];
    let cold = { process: 0, runtime: 0, session: 0, first: 0 };
    for (let round = 0; round < rounds; round++) {
      // Alternate which side goes first, so a machine that slows down over time favours neither.
      const bareFirst = round % 2 === 1;
      const bareRound = bareFirst ? await bareLoop(modelFile, testCase) : [];
      const result = await runBenchmark(workspace, build, {
        runs: testCase.runs,
        warmup: testCase.warmup,
        batch: testCase.batch,
        store: false,
      });
      if (!bareFirst) bareRound.push(...(await bareLoop(modelFile, testCase)));
      roundRatios.push(median(Array.from(result.samples)) / median(bareRound));
      bare.push(...bareRound);
      harness.push(...result.samples);
      outside.push(result.summary.overhead_ms);
      const coldStart = result.summary.cold_start_ms;
      cold = {
        process: coldStart.process_start,
        runtime: coldStart.runtime_load,
        session: coldStart.session_creation,
        first: coldStart.first_inference,
      };
    }
    const ratio = median(harness) / median(bare);
    const roundRatio = median(roundRatios);
    const verdict = Math.abs(roundRatio - 1) <= testCase.aim ? "within aim" : "OUTSIDE aim";
    console.log(
      `${testCase.fixture.padEnd(10)} harness p50 ${median(harness).toFixed(4)} ms, ` +
        `bare p50 ${median(bare).toFixed(4)} ms, pooled ratio ${ratio.toFixed(4)}; ` +
        `median of round ratios ${roundRatio.toFixed(4)} (aim ±${testCase.aim * 100}%: ${verdict})`,
    );
    console.log(
      `${"".padEnd(10)} round ratios ${roundRatios.map((value) => value.toFixed(3)).join(", ")}; ` +
        `${harness.length} samples per side`,
    );
    console.log(
      `${"".padEnd(10)} wall time outside the samples: median ${median(outside).toFixed(0)} ms ` +
        `(last round: process start ${cold.process.toFixed(0)} ms, runtime load ` +
        `${cold.runtime.toFixed(0)} ms, session ${cold.session.toFixed(1)} ms, first run ` +
        `${cold.first.toFixed(2)} ms, the rest warm-up and IPC)`,
    );
  }
} finally {
  await workspace.close();
  rmSync(directory, { recursive: true, force: true });
}
