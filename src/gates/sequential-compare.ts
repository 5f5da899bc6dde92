/**
 * Fresh measurement for `compare`: paired processes added in batches, looking at the verdict
 * after each batch, until it is decided or the time budget runs out.
 *
 * Repeated looks at growing data inflate false verdicts, so each look gets only the share of
 * the error budget that a Lan-DeMets alpha-spending function releases (see src/stats/ratio.ts,
 * `sequentialPlan`). The plan needs the number of looks in advance; it is fixed from the budget
 * and the time the first batch took, which depends on the machine, not on the data's verdict.
 */
import type { PairedModel, PairedRequest, PairedResult } from "../runtime/paired-child.js";
import {
  decideSequential,
  type SequentialDecision,
  type SequentialPlan,
  sequentialPlan,
} from "../stats/ratio.js";
import { type ProcessPair, ratiosOf } from "./comparison.js";
import { type CompareMetricName, metricDefinitions } from "./metrics.js";
import { runPairedProcess } from "./paired-measurement.js";

export interface MeasurementSettings {
  warmupRuns: number;
  blockRuns: number;
  minRunsPerModel: number;
  maxRunsPerModel: number;
  measureSeconds: number;
  batch: number;
}

/**
 * Blocks of one run (ABBA order): on this 2-core machine at load 12, the per-process spread of
 * the A/A log-ratio (a 0.27 ms MLP) was 0.034 with blocks of 1, 0.061 with 5 and 0.070 with 25
 * runs; under contention, conditions change faster than a block of 25 runs lasts.
 *
 * One second of measuring per process (`--process-time`), and at least 50 runs of each model
 * (`--process-runs`), whichever takes longer: a process costs 0.7-5 s outside its measuring
 * (start-up, runtime load, sessions, warm-up, exit; bench/gate-process-cost.ts), so shorter
 * measuring would spend most of the budget on start-up.
 */
export const defaultMeasurement: MeasurementSettings = {
  warmupRuns: 20,
  blockRuns: 1,
  minRunsPerModel: 50,
  maxRunsPerModel: 20_000,
  measureSeconds: 1,
  batch: 1,
};

export interface SequentialCompareOptions {
  baseline: PairedModel;
  candidate: PairedModel;
  metric: Exclude<CompareMetricName, "size">;
  thresholdPct: number;
  budgetSeconds: number;
  /** Two-sided error budget over all looks. @default 0.05 */
  alpha?: number;
  initialProcesses?: number;
  processesPerLook?: number;
  /** Upper bound on looks however large the budget. @default 12 */
  maxLooks?: number;
  measurement?: Partial<MeasurementSettings>;
  onProcess?: (done: number, decision: SequentialDecision | undefined) => void;
}

export interface SequentialCompareOutcome {
  pairs: ProcessPair[];
  decision: SequentialDecision | undefined;
  plan: SequentialPlan | undefined;
  /** True when the budget ended the run before the plan's verdict. */
  budgetExhausted: boolean;
  seconds: number;
}

function toPair(result: PairedResult, batch: number, baselineCreatedFirst: boolean): ProcessPair {
  const [baseline, candidate] = result.models;
  return {
    baseline: { samplesMs: baseline.samplesMs, memoryBytes: baseline.memoryBytes, batch },
    candidate: { samplesMs: candidate.samplesMs, memoryBytes: candidate.memoryBytes, batch },
    baselineCreatedFirst,
  };
}

export async function compareSequentially(
  options: SequentialCompareOptions,
): Promise<SequentialCompareOutcome> {
  const settings = { ...defaultMeasurement, ...options.measurement };
  const initialProcesses = options.initialProcesses ?? 6;
  const processesPerLook = options.processesPerLook ?? 4;
  const direction = metricDefinitions[options.metric].direction;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const pairs: ProcessPair[] = [];

  const measureOne = async () => {
    // Alternate which session is created (and timed) first from one process to the next.
    const baselineFirst = pairs.length % 2 === 0;
    const request: PairedRequest = {
      models: [options.baseline, options.candidate],
      creationOrder: baselineFirst ? [0, 1] : [1, 0],
      warmupRuns: settings.warmupRuns,
      blockRuns: settings.blockRuns,
      minRunsPerModel: settings.minRunsPerModel,
      maxRunsPerModel: settings.maxRunsPerModel,
      measureSeconds: settings.measureSeconds,
    };
    pairs.push(toPair(await runPairedProcess(request), settings.batch, baselineFirst));
  };
  const secondsPerProcess = () => elapsed() / Math.max(pairs.length, 1);
  const roomFor = (processes: number) =>
    elapsed() + secondsPerProcess() * processes <= options.budgetSeconds;

  // First batch: always at least two processes, or there is no interval at all.
  while (pairs.length < initialProcesses && (pairs.length < 2 || roomFor(1))) {
    await measureOne();
    options.onProcess?.(pairs.length, undefined);
  }
  if (pairs.length < initialProcesses) {
    return {
      pairs,
      decision: undefined,
      plan: undefined,
      budgetExhausted: true,
      seconds: elapsed(),
    };
  }

  const affordableLooks = Math.floor(
    (options.budgetSeconds - elapsed()) / (secondsPerProcess() * processesPerLook),
  );
  const maxLooks = 1 + Math.max(0, Math.min(affordableLooks, (options.maxLooks ?? 12) - 1));
  const plan = sequentialPlan({
    maxLooks,
    alpha: options.alpha ?? 0.05,
    initialProcesses,
    processesPerLook,
  });

  const ratios = () => ratiosOf(pairs, metricDefinitions[options.metric]);
  let decision = decideSequential(ratios(), 1, plan, options.thresholdPct, direction);
  options.onProcess?.(pairs.length, decision);
  for (let look = 2; !decision.stop && look <= maxLooks; look++) {
    // Budget estimates can be off; a look that no longer fits ends the run as it stands.
    if (!roomFor(processesPerLook)) {
      return { pairs, decision, plan, budgetExhausted: true, seconds: elapsed() };
    }
    for (let added = 0; added < processesPerLook; added++) {
      await measureOne();
      options.onProcess?.(pairs.length, decision);
    }
    decision = decideSequential(ratios(), look, plan, options.thresholdPct, direction);
  }
  const budgetExhausted = decision.verdict === "inconclusive";
  return { pairs, decision, plan, budgetExhausted, seconds: elapsed() };
}
