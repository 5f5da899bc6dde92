/**
 * Evidence for `compare`: how often it is right, on this machine.
 *
 *   node --import tsx bench/verdicts.ts [--trials 30] [--budget 60] [--sim-trials 4000]
 *
 * 1. Live A/A: a ~1 ms MLP against itself and against a copy that differs only by graph name,
 *    `--trials` times each, threshold 5%: false regressions and inconclusives.
 * 2. Live A/B: the same MLP against one with about 10% more work. First a long interleaved run
 *    (40 paired processes) measures the true difference; then `--trials` compares at 5%.
 * 3. Simulated: the recorded A/A processes resampled (two-level bootstrap, src/stats/simulate.ts)
 *    with the candidate shifted by 0, 2, 5, 10 and 20%, through the same sequential plan.
 * 4. Speed: the median time to a verdict over the live compares.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ProcessPair } from "../src/gates/comparison.js";
import type * as SequentialCompare from "../src/gates/sequential-compare.js";
import { makeMlp } from "../src/onnx/fixtures.js";
import { saveModel } from "../src/onnx/model.js";
import { prepareInputs } from "../src/runtime/inputs.js";
import type { PairedModel } from "../src/runtime/paired-child.js";
import { parseTarget } from "../src/runtime/targets.js";
import { estimateRatio, sequentialPlan, type Verdict } from "../src/stats/ratio.js";
import { simulateVerdicts } from "../src/stats/simulate.js";

// The paired child is spawned beside the module that drives it: take the compiled one when it is
// built, so the child runs as users run it (under tsx it starts slower and differently).
const compiled = existsSync(new URL("../dist/gates/sequential-compare.js", import.meta.url));
const { compareSequentially } = (await import(
  compiled ? "../dist/gates/sequential-compare.js" : "../src/gates/sequential-compare.js"
)) as typeof SequentialCompare;

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "30" },
    budget: { type: "string", default: "60" },
    "sim-trials": { type: "string", default: "4000" },
    "reference-processes": { type: "string", default: "40" },
  },
});
const trials = Number(values.trials);
const budgetSeconds = Number(values.budget);
const simulationTrials = Number(values["sim-trials"]);
const referenceProcesses = Number(values["reference-processes"]);
const thresholdPct = 5;
const batch = 16;

async function writeModel(directory: string, name: string, hidden: number[]): Promise<PairedModel> {
  const model = makeMlp({ inputSize: 256, hiddenSizes: hidden, outputSize: 64, seed: 3, batch });
  if (model.graph) model.graph.name = name;
  const modelPath = path.join(directory, `${name}.onnx`);
  await saveModel(model, modelPath);
  const inputs = await prepareInputs([{ name: "input", dtype: "float32", shape: [batch, 256] }]);
  return { modelPath, target: parseTarget("cpu"), inputs };
}

interface LiveOutcome {
  verdict: Verdict;
  seconds: number;
  processes: number;
  changePct: number;
  pairs: ProcessPair[];
}

async function liveCompare(baseline: PairedModel, candidate: PairedModel): Promise<LiveOutcome> {
  const outcome = await compareSequentially({
    baseline,
    candidate,
    metric: "p50",
    thresholdPct,
    budgetSeconds,
    measurement: { batch },
  });
  return {
    verdict: outcome.decision?.verdict ?? "inconclusive",
    seconds: outcome.seconds,
    processes: outcome.pairs.length,
    changePct: (outcome.decision?.estimate.relativeChange ?? Number.NaN) * 100,
    pairs: outcome.pairs,
  };
}

function tally(outcomes: readonly LiveOutcome[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = {
    regression: 0,
    improvement: 0,
    "no-change": 0,
    inconclusive: 0,
  };
  for (const outcome of outcomes) counts[outcome.verdict] += 1;
  return counts;
}

function percent(count: number, total: number): string {
  return `${count}/${total} (${((100 * count) / total).toFixed(1)}%)`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function report(label: string, outcomes: readonly LiveOutcome[]): void {
  const counts = tally(outcomes);
  const total = outcomes.length;
  console.log(
    `${label}: regression ${percent(counts.regression, total)}, ` +
      `improvement ${percent(counts.improvement, total)}, ` +
      `no-change ${percent(counts["no-change"], total)}, ` +
      `inconclusive ${percent(counts.inconclusive, total)}; ` +
      `median ${median(outcomes.map((o) => o.seconds)).toFixed(1)} s, ` +
      `${median(outcomes.map((o) => o.processes))} processes`,
  );
}

async function runLive(label: string, baseline: PairedModel, candidate: PairedModel) {
  const outcomes: LiveOutcome[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const outcome = await liveCompare(baseline, candidate);
    outcomes.push(outcome);
    process.stderr.write(
      `  ${label} ${trial + 1}/${trials}: ${outcome.verdict} ${outcome.changePct.toFixed(1)}% ` +
        `(${outcome.processes} processes, ${outcome.seconds.toFixed(1)} s)\n`,
    );
  }
  report(label, outcomes);
  return outcomes;
}

async function main(): Promise<void> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "mlbuild-verdicts-"));
  try {
    const model = await writeModel(directory, "mlp", [1024, 1024]);
    const renamed = await writeModel(directory, "mlp-renamed", [1024, 1024]);
    const heavier = await writeModel(directory, "mlp-wider", [1100, 1100]);
    console.log(
      `machine: ${os.cpus()[0]?.model} x${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)}; ` +
        `${compiled ? "compiled" : "tsx"} child; ` +
        `trials ${trials}, budget ${budgetSeconds} s, threshold ${thresholdPct}%`,
    );

    console.log("\n== live A/A ==");
    const self = await runLive("A/A same build", model, model);
    const copy = await runLive("A/A renamed copy", model, renamed);

    console.log("\n== live A/B (about 10% more work) ==");
    const reference = await compareSequentially({
      baseline: model,
      candidate: heavier,
      metric: "p50",
      thresholdPct,
      budgetSeconds: Number.POSITIVE_INFINITY,
      initialProcesses: referenceProcesses,
      maxLooks: 1,
      measurement: { batch },
    });
    const ratios = reference.pairs.map(
      (pair) => median(pair.candidate.samplesMs) / median(pair.baseline.samplesMs),
    );
    const truth = estimateRatio(ratios, 0.95);
    console.log(
      `true difference (${ratios.length} interleaved ` +
        `processes, ${reference.seconds.toFixed(0)} s): ` +
        `${(truth.relativeChange * 100).toFixed(1)}% ` +
        `[${((truth.lowerChange ?? 0) * 100).toFixed(1)}%, ` +
        `${((truth.upperChange ?? 0) * 100).toFixed(1)}%]`,
    );
    const detection = await runLive("A/B", model, heavier);

    console.log("\n== simulated power curve (recorded A/A processes, resampled) ==");
    const recorded = [...self, ...copy].flatMap((outcome) => outcome.pairs);
    const plan = sequentialPlan({
      maxLooks: 8,
      alpha: 0.05,
      initialProcesses: 6,
      processesPerLook: 4,
    });
    console.log(
      `${recorded.length} recorded processes; plan: 8 looks, 6 + 4 per look, alpha 0.05 ` +
        `(Pocock-type)`,
    );
    for (const shiftPct of [0, 2, 5, 10, 20]) {
      const result = simulateVerdicts({
        baseline: recorded.map((pair) => pair.baseline.samplesMs),
        candidate: recorded.map((pair) => pair.candidate.samplesMs),
        shift: 1 + shiftPct / 100,
        thresholdPct,
        plan,
        trials: simulationTrials,
        seed: 42 + shiftPct,
      });
      const rate = (verdict: Verdict) => `${(result.rates[verdict] * 100).toFixed(1)}%`;
      console.log(
        `shift +${shiftPct}%: regression ${rate("regression")}, no-change ${rate("no-change")}, ` +
          `inconclusive ${rate("inconclusive")}, improvement ${rate("improvement")}; ` +
          `mean ${result.meanProcesses.toFixed(1)} processes`,
      );
    }

    console.log("\n== speed ==");
    const all = [...self, ...copy, ...detection];
    console.log(
      `median time to a verdict: ${median(all.map((o) => o.seconds)).toFixed(1)} s ` +
        `over ${all.length} live compares`,
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
