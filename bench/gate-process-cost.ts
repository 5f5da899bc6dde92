/**
 * Where the time of one gate measurement process goes: Node.js start-up, runtime load, session
 * creation and warm-up, and the measuring itself. Runs the compiled child (dist/, as the CLI
 * does; `npm run build` first) on a ~1 ms MLP at batch 16, alone (validate) and paired (compare).
 *
 *   node --import tsx bench/gate-process-cost.ts [--processes 6] [--measure-seconds 1]
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type * as PairedMeasurement from "../src/gates/paired-measurement.js";
import type * as SequentialCompare from "../src/gates/sequential-compare.js";
import { makeMlp } from "../src/onnx/fixtures.js";
import { saveModel } from "../src/onnx/model.js";
import { prepareInputs } from "../src/runtime/inputs.js";
import { parseTarget } from "../src/runtime/targets.js";
import { median } from "../src/stats/descriptive.js";

// The compiled modules, so the child runs as the CLI runs it; loaded by path at run time so the
// type check does not need dist/ to exist.
const distribution = "../dist/gates";
const { runPairedProcess } = (await import(
  `${distribution}/paired-measurement.js`
)) as typeof PairedMeasurement;
const { defaultMeasurement } = (await import(
  `${distribution}/sequential-compare.js`
)) as typeof SequentialCompare;

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "6" },
    "measure-seconds": { type: "string" },
  },
});
const processes = Number(values.processes);
const settings = {
  ...defaultMeasurement,
  ...(values["measure-seconds"] ? { measureSeconds: Number(values["measure-seconds"]) } : {}),
};

function bareNodeMs(code: string): number {
  const started = performance.now();
  spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: process.cwd() });
  return performance.now() - started;
}

const directory = await mkdtemp(path.join(os.tmpdir(), "mlbuild-process-cost-"));
try {
  const modelPath = path.join(directory, "mlp.onnx");
  const mlp = makeMlp({
    inputSize: 256,
    hiddenSizes: [512, 512],
    outputSize: 64,
    seed: 1,
    batch: 16,
  });
  await saveModel(mlp, modelPath);
  const inputs = await prepareInputs([{ name: "input", dtype: "float32", shape: [16, 256] }]);
  const model = { modelPath, target: parseTarget("cpu"), inputs };

  const load = os.loadavg()[0].toFixed(1);
  console.log(
    `load ${load}; ${processes} processes each; measureSeconds ${settings.measureSeconds}`,
  );
  console.log(
    `reference: empty node ${median([1, 2, 3].map(() => bareNodeMs(""))).toFixed(0)} ms, ` +
      `node + import onnxruntime-node ${median([1, 2, 3].map(() => bareNodeMs("await import('onnxruntime-node')"))).toFixed(0)} ms`,
  );
  for (const models of [[model], [model, model]]) {
    const rows: number[][] = [];
    for (let index = 0; index < processes; index++) {
      const started = performance.now();
      const result = await runPairedProcess({
        ...settings,
        models,
        creationOrder: models.length === 1 ? [0] : index % 2 === 0 ? [0, 1] : [1, 0],
      });
      const wall = performance.now() - started;
      const sessions = result.models.reduce(
        (sum, measured) =>
          sum +
          measured.createMs +
          measured.firstRunMs +
          measured.warmupSamplesMs.reduce((a, b) => a + b, 0),
        0,
      );
      const rest =
        wall - result.processStartMs - result.runtimeLoadMs - sessions - result.steadyStateMs;
      rows.push([
        wall,
        result.processStartMs,
        result.runtimeLoadMs,
        sessions,
        result.steadyStateMs,
        rest,
      ]);
    }
    const column = (index: number) => median(rows.map((row) => row[index]));
    const [wall, start, runtime, sessions, steady, rest] = [0, 1, 2, 3, 4, 5].map(column);
    console.log(
      `${models.length === 1 ? "alone " : "paired"}: wall ${wall.toFixed(0)} ms = start-up ` +
        `${start.toFixed(0)} + runtime ${runtime.toFixed(0)} + sessions and warm-up ` +
        `${sessions.toFixed(0)} + measuring ${steady.toFixed(0)} + answer and exit ` +
        `${rest.toFixed(0)} ms; ` +
        `measuring is ${((steady / wall) * 100).toFixed(0)}% of the wall time (medians)`,
    );
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}
