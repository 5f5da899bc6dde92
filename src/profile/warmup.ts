/**
 * When is a model warm? The latency curve of a fresh session's first runs, split into levels
 * by PELT change points (Killick, Fearnhead & Eckley 2012; see stats/change-points.ts), and
 * the run from which every level is the final one: steady state.
 */
import { median } from "../stats/descriptive.js";
import { detectChangePoints, steadyStateStart } from "../stats/drift.js";

export interface WarmupAnalysis {
  session_creation_ms: number;
  first_inference_ms: number;
  /** Run 0 is the first inference. */
  curve_ms: number[];
  method: string;
  /** Where PELT starts a new level (run indices). */
  change_points: number[];
  /** The first run of the final level (levels of ≤ 2 runs after it are spikes). */
  steady_state_index: number;
  /** False when steady state began only in the curve's last quarter: it may not be steady. */
  settled: boolean;
  /** The rolling-median rule of stats/drift.ts, as a second opinion. */
  rolling_median_index: number | null;
  /** Median latency of the final level. */
  steady_state_ms: number;
  /** For `benchmark --warmup`, which counts runs after the first inference. */
  recommended_warmup: number;
}

/** Levels closer than this to the final one count as settled: below run-to-run noise. */
const settledTolerance = 0.1;
/** A level this short after steady state began is a spike (a GC pause), not a regime. */
const spikeLength = 2;

export const warmupMethod =
  "PELT change points (Killick, Fearnhead & Eckley 2012) on log latency, penalty 4·ln(n); " +
  `steady state = start of the first level within ${settledTolerance * 100}% of the final one, ` +
  `later levels of ≤ ${spikeLength} runs ignored as spikes`;

interface Level {
  start: number;
  end: number;
  logLevel: number;
}

function levelsOf(logCurve: readonly number[], changePoints: readonly number[]): Level[] {
  const bounds = [0, ...changePoints, logCurve.length];
  return bounds.slice(0, -1).map((start, index) => {
    const end = bounds[index + 1];
    return { start, end, logLevel: median(logCurve.slice(start, end)) };
  });
}

/** The final regime: the last level that is longer than a spike (or the last level of all). */
function finalLevel(levels: readonly Level[]): Level {
  const regimes = levels.filter((level) => level.end - level.start > spikeLength);
  return regimes[regimes.length - 1] ?? levels[levels.length - 1];
}

function steadyIndex(levels: readonly Level[], final: Level): number {
  const settled = (level: Level) =>
    Math.abs(level.logLevel - final.logLevel) <= Math.log1p(settledTolerance);
  const index = levels.findIndex(
    (level, position) =>
      settled(level) &&
      levels
        .slice(position + 1)
        .every((later) => settled(later) || later.end - later.start <= spikeLength),
  );
  // The final level always qualifies, so a match exists.
  return levels[Math.max(index, 0)].start;
}

/**
 * The warm-up count for `benchmark`: the runs before steady state other than the first
 * inference (which benchmark always sets apart), plus a quarter for the uncertainty of where
 * a change point falls, and at least one. A curve that only settled in its last quarter may
 * not have settled at all: then every run of it is recommended.
 */
function recommendedWarmup(steady: number, curveLength: number): number {
  if (!settledEarly(steady, curveLength)) return curveLength;
  return Math.max(1, Math.ceil(1.25 * (steady - 1)));
}

function settledEarly(steady: number, curveLength: number): boolean {
  return steady <= 0.75 * curveLength;
}

export function analyzeWarmupCurve(
  curveMs: readonly number[],
  cold: { sessionCreationMs: number; firstInferenceMs: number },
): WarmupAnalysis {
  const logCurve = curveMs.map((value) => Math.log(Math.max(value, 1e-6)));
  const changePoints = detectChangePoints(logCurve);
  const levels = levelsOf(logCurve, changePoints);
  const final = finalLevel(levels);
  const steady = steadyIndex(levels, final);
  const rolling = steadyStateStart(curveMs);

  return {
    session_creation_ms: cold.sessionCreationMs,
    first_inference_ms: cold.firstInferenceMs,
    curve_ms: [...curveMs],
    method: warmupMethod,
    change_points: changePoints,
    steady_state_index: steady,
    settled: settledEarly(steady, curveMs.length),
    rolling_median_index: rolling ?? null,
    steady_state_ms: median(curveMs.slice(final.start, final.end)),
    recommended_warmup: recommendedWarmup(steady, curveMs.length),
  };
}
