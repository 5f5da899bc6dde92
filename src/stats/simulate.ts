/**
 * How often would `compare` say what, on this machine? Replays recorded benchmark processes
 * through the sequential decision: a two-level bootstrap that first draws a process, then that
 * process's samples (resampling both levels of a hierarchy; Davison & Hinkley, "Bootstrap
 * Methods and their Application", 1997, §3.8), with the candidate scaled by a known factor.
 * Pure and seeded, so a benchmark script can report false-alarm rates and power reproducibly.
 *
 * The recording's own mean candidate/baseline ratio is part of every trial: with 10 recorded
 * A/A processes a chance +1% between slots shifts every simulated verdict. Record at least as
 * many processes as the plan's budget before trusting rates near the threshold.
 */

import { resample } from "./bootstrap.js";
import { median } from "./descriptive.js";
import { createRng, type Rng } from "./random.js";
import { type Direction, decideSequential, type SequentialPlan, type Verdict } from "./ratio.js";

export interface SimulationOptions {
  /** Recorded baseline samples, one array per child process. */
  baseline: readonly (readonly number[])[];
  /**
   * Candidate samples recorded in the same processes (paired by index). Defaults to `baseline`:
   * an A/A replay. Recording an A/A run with both slots filled keeps the process-to-process
   * spread of the ratio, which resampling one sample set alone underestimates.
   */
  candidate?: readonly (readonly number[])[];
  /** Factor applied to candidate samples: 1 = identical builds, 1.1 = 10% higher. */
  shift: number;
  thresholdPct: number;
  /** @default "lower-is-better" */
  direction?: Direction;
  plan: SequentialPlan;
  trials: number;
  seed: number;
  /** Per-process statistic whose ratio is compared. @default median */
  statistic?: (samples: readonly number[]) => number;
}

export interface SimulationResult {
  trials: number;
  counts: Record<Verdict, number>;
  /** counts / trials. */
  rates: Record<Verdict, number>;
  /** Average number of processes a trial used before it stopped. */
  meanProcesses: number;
}

/** One simulated child process: its candidate/baseline ratio of the statistic. */
function simulatedRatio(options: SimulationOptions, rng: Rng): number {
  const { baseline, candidate = baseline, shift, statistic = median } = options;
  const process = rng.integer(baseline.length);
  const baselineValue = statistic(resample(baseline[process], rng));
  const candidateValue = statistic(resample(candidate[process], rng)) * shift;
  return candidateValue / baselineValue;
}

/** Runs one trial through every planned look until the decision stops. */
function simulateTrial(
  options: SimulationOptions,
  rng: Rng,
): { verdict: Verdict; processes: number } {
  const { plan, thresholdPct, direction = "lower-is-better" } = options;
  const ratios: number[] = [];
  for (const planned of plan.looks) {
    while (ratios.length < planned.processes) ratios.push(simulatedRatio(options, rng));
    const decision = decideSequential(ratios, planned.look, plan, thresholdPct, direction);
    if (decision.stop) return { verdict: decision.verdict, processes: ratios.length };
  }
  return { verdict: "inconclusive", processes: ratios.length };
}

export function simulateVerdicts(options: SimulationOptions): SimulationResult {
  const { baseline, candidate = baseline, trials, seed, shift } = options;
  if (baseline.length === 0) throw new RangeError("simulation needs at least one recorded process");
  if (candidate.length !== baseline.length) {
    throw new RangeError(
      "candidate recordings must pair with baseline recordings, one per process",
    );
  }
  if (baseline.some((samples) => samples.length === 0) || candidate.some((s) => s.length === 0)) {
    throw new RangeError("every recorded process needs at least one sample");
  }
  if (!(Number.isInteger(trials) && trials >= 1)) throw new RangeError("trials must be ≥ 1");
  if (!(shift > 0)) throw new RangeError("shift is a positive factor (1 = identical builds)");

  const rng = createRng(seed);
  const counts: Record<Verdict, number> = {
    regression: 0,
    improvement: 0,
    "no-change": 0,
    inconclusive: 0,
  };
  let processes = 0;
  for (let trial = 0; trial < trials; trial++) {
    const outcome = simulateTrial(options, rng);
    counts[outcome.verdict] += 1;
    processes += outcome.processes;
  }

  const rates = { ...counts };
  for (const verdict of Object.keys(rates) as Verdict[]) rates[verdict] = counts[verdict] / trials;
  return { trials, counts, rates, meanProcesses: processes / trials };
}
