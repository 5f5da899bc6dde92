/**
 * Distribution-free confidence intervals for a quantile from order statistics (Conover,
 * "Practical Nonparametric Statistics", 3rd ed., §3.2; Hahn & Meeker, "Statistical Intervals",
 * ch. 5). If B counts the samples below the true q-quantile ξ, then B ~ Binomial(n, q) for any
 * continuous distribution, and with x₍₁₎ ≤ … ≤ x₍ₙ₎:
 *
 *   P(x₍ᵣ₎ > ξ) = P(B ≤ r − 1)        P(x₍ₛ₎ < ξ) = P(B ≥ s)
 *
 * We take the equal-tailed interval [x₍ᵣ₎, x₍ₛ₎]: the largest r and smallest s whose tail each
 * stays within (1 − confidence) / 2, so coverage is at least `confidence` (the binomial is
 * discrete, so it is usually a little more). Ties in real timer data make it slightly
 * conservative, never anti-conservative.
 */

import { quantileSorted, sortAscending } from "./descriptive.js";
import { binomialCdf, binomialSurvival } from "./distributions.js";

export interface QuantileRanks {
  /** 1-based rank r of the lower bound x₍ᵣ₎; undefined when n is too small for it. */
  lowerRank?: number;
  /** 1-based rank s of the upper bound x₍ₛ₎; undefined when n is too small for it. */
  upperRank?: number;
  /** Exact coverage P(r ≤ B ≤ s − 1) when both bounds exist. */
  coverage?: number;
  /** True only when both bounds exist: a two-sided interval at this confidence is possible. */
  enoughSamples: boolean;
}

export interface QuantileInterval extends QuantileRanks {
  quantile: number;
  confidence: number;
  /** Point estimate (Hyndman & Fan type 7, as everywhere else). */
  estimate: number;
  lower?: number;
  upper?: number;
}

function checkLevels(q: number, confidence: number): void {
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), got ${q}`);
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  }
}

/** Largest integer k in [low, high] where `holds(k)` is true, for a predicate true-then-false. */
function lastTrue(low: number, high: number, holds: (k: number) => boolean): number | undefined {
  if (low > high || !holds(low)) return undefined;
  let good = low;
  let bad = high + 1;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (holds(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

/**
 * Ranks of the order statistics bounding the q-quantile of n samples at `confidence`. Each side
 * that cannot reach the confidence with n samples is undefined rather than guessed.
 */
export function quantileConfidenceRanks(n: number, q: number, confidence: number): QuantileRanks {
  checkLevels(q, confidence);
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`n must be ≥ 0, got ${n}`);
  const tail = (1 - confidence) / 2;

  const lowerRank = lastTrue(1, n, (r) => binomialCdf(r - 1, n, q) <= tail);
  // P(B ≥ s) = P(B > s − 1) shrinks as s grows, so search on the reversed index n + 1 − s.
  const reversed = lastTrue(1, n, (k) => binomialSurvival(n - k, n, q) <= tail);
  const upperRank = reversed === undefined ? undefined : n + 1 - reversed;

  if (lowerRank === undefined || upperRank === undefined) {
    return { lowerRank, upperRank, enoughSamples: false };
  }
  const coverage = binomialCdf(upperRank - 1, n, q) - binomialCdf(lowerRank - 1, n, q);
  return { lowerRank, upperRank, coverage, enoughSamples: true };
}

/** Point estimate and distribution-free interval for the q-quantile of `samples`. */
export function quantileConfidenceInterval(
  samples: readonly number[],
  q: number,
  confidence = 0.95,
): QuantileInterval {
  const sorted = sortAscending(samples);
  const ranks = quantileConfidenceRanks(sorted.length, q, confidence);
  return {
    ...ranks,
    quantile: q,
    confidence,
    estimate: quantileSorted(sorted, q),
    lower: ranks.lowerRank === undefined ? undefined : sorted[ranks.lowerRank - 1],
    upper: ranks.upperRank === undefined ? undefined : sorted[ranks.upperRank - 1],
  };
}

/**
 * Smallest n for which the largest sample is a one-sided upper bound of the q-quantile at
 * `confidence`: P(all n samples fall below ξ) = qⁿ ≤ 1 − confidence, Wilks' (1941) one-sided
 * tolerance bound. For p99 at 99% confidence it gives 459, the figure quoted for MLPerf LoadGen.
 */
export function minimumSamplesFor(q: number, confidence: number): number {
  checkLevels(q, confidence);
  const allowed = 1 - confidence;
  let n = Math.ceil(Math.log(allowed) / Math.log(q));
  // The logarithms can round across an integer; settle on the exact smallest n.
  while (n > 1 && Math.exp((n - 1) * Math.log(q)) <= allowed) n--;
  while (Math.exp(n * Math.log(q)) > allowed) n++;
  return n;
}
