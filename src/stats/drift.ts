/**
 * Is a run stable? Drift between the halves of a run, and where a warm-up curve settles.
 * Change points for warm-up curves and metric histories live in `change-points.ts` and are
 * re-exported here, so "is this series stable" has one import.
 */

import { median } from "./descriptive.js";
import { normalCdf } from "./distributions.js";

export { type ChangePointOptions, detectChangePoints } from "./change-points.js";

export interface RankSumTest {
  /** Mann-Whitney U of the first group. */
  u: number;
  z: number;
  /** Two-sided p-value from the normal approximation. */
  pValue: number;
}

/**
 * Mann-Whitney U test (Mann & Whitney 1947) with the normal approximation, the tie correction
 * of the variance and a continuity correction (Hollander & Wolfe, "Nonparametric Statistical
 * Methods", §4.1). Fine for the tens to thousands of samples a benchmark run has.
 */
export function mannWhitneyU(first: readonly number[], second: readonly number[]): RankSumTest {
  const n1 = first.length;
  const n2 = second.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("Mann-Whitney U needs two non-empty groups");

  const pooled = first
    .map((value) => ({ value, first: true }))
    .concat(second.map((value) => ({ value, first: false })))
    .sort((a, b) => a.value - b.value);

  // Average ranks over ties, and Σ(t³ − t) over tie groups for the variance correction.
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let start = 0; start < pooled.length; ) {
    let end = start;
    while (end + 1 < pooled.length && pooled[end + 1].value === pooled[start].value) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (pooled[i].first) rankSumFirst += averageRank;
    const tied = end - start + 1;
    tieTerm += tied ** 3 - tied;
    start = end + 1;
  }

  const total = n1 + n2;
  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const expected = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { u, z: 0, pValue: 1 };

  const distance = Math.max(Math.abs(u - expected) - 0.5, 0);
  const z = Math.sign(u - expected) * (distance / Math.sqrt(variance));
  return { u, z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

export interface DriftOptions {
  /** Significance level of the rank-sum test. @default 0.01 */
  alpha?: number;
  /** Smallest |relative change| of the median worth calling drift. @default 0.02 */
  minimumRelativeChange?: number;
}

export interface DriftReport extends RankSumTest {
  firstHalfMedian: number;
  secondHalfMedian: number;
  /** Second-half median / first-half median. */
  medianRatio: number;
  /** medianRatio − 1: +0.05 means the second half is 5% higher. */
  relativeChange: number;
  /** p < alpha. */
  significant: boolean;
  /** Significant and at least `minimumRelativeChange` in size: worth a warning. */
  drifted: boolean;
}

/**
 * Compares the first and second half of a run (an odd middle sample is left out). Consecutive
 * latencies are autocorrelated (caches, frequency scaling), which makes the rank-sum p-value
 * optimistic; hence the strict default alpha and the minimum size before warning anyone.
 */
export function compareHalves(samples: readonly number[], options: DriftOptions = {}): DriftReport {
  const { alpha = 0.01, minimumRelativeChange = 0.02 } = options;
  if (samples.length < 4) throw new RangeError("drift needs at least 4 samples");

  const half = Math.floor(samples.length / 2);
  const first = samples.slice(0, half);
  const second = samples.slice(samples.length - half);
  const test = mannWhitneyU(first, second);

  const firstHalfMedian = median(first);
  const secondHalfMedian = median(second);
  const medianRatio = secondHalfMedian / firstHalfMedian;
  const relativeChange = medianRatio - 1;
  const significant = test.pValue < alpha;
  return {
    ...test,
    firstHalfMedian,
    secondHalfMedian,
    medianRatio,
    relativeChange,
    significant,
    drifted: significant && Math.abs(relativeChange) >= minimumRelativeChange,
  };
}

export interface SteadyStateOptions {
  /** Allowed distance of a rolling median from the final median, in percent. @default 5 */
  tolerancePct?: number;
  /** Samples per rolling median; a median of 5 ignores up to 2 spikes. @default 5 */
  window?: number;
}

/**
 * Index k of the first run in steady state: from k on, the centred rolling median of `window`
 * runs stays within `tolerancePct` of the final level, the median of the last quarter of the
 * curve (at least one window). A median rather than a mean, so an isolated spike such as a GC
 * pause does not postpone steady state; centred, so the answer is not pulled earlier by the
 * settled runs that follow k. Undefined when the curve has not settled by its end or is
 * shorter than two windows.
 */
export function steadyStateStart(
  curve: readonly number[],
  options: SteadyStateOptions = {},
): number | undefined {
  const { tolerancePct = 5, window = 5 } = options;
  if (!(Number.isInteger(window) && window >= 1)) throw new RangeError("window must be ≥ 1");
  if (curve.length < 2 * window) return undefined;

  const tailLength = Math.max(window, Math.ceil(curve.length / 4));
  const finalLevel = median(curve.slice(curve.length - tailLength));
  const tolerance = (tolerancePct / 100) * Math.abs(finalLevel);
  const before = Math.floor((window - 1) / 2);
  const settledAt = (index: number): boolean => {
    const around = curve.slice(index - before, index - before + window);
    return Math.abs(median(around) - finalLevel) <= tolerance;
  };

  const lastCentre = curve.length - window + before;
  if (!settledAt(lastCentre)) return undefined;
  let start = lastCentre;
  while (start > before && settledAt(start - 1)) start--;
  return start === before ? 0 : start;
}
