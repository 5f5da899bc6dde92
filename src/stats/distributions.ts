/**
 * Distribution functions the statistics need: normal, Student's t and binomial. All pure, all
 * built on `special-functions.ts`.
 */

import { logGamma, regularizedIncompleteBeta, regularizedUpperGamma } from "./special-functions.js";

const LOG_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Standard normal CDF Φ(z), via Φ(−z) = Q(1/2, z²/2) / 2 so both tails keep full precision. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tail = 0.5 * regularizedUpperGamma(0.5, (z * z) / 2);
  return z < 0 ? tail : 1 - tail;
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_TWO_PI);
}

/**
 * Standard normal quantile Φ⁻¹(p), by Newton's method on the lower tail. Φ is convex below 0,
 * so Newton started at 0 approaches the root monotonically and cannot overshoot.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new RangeError(`normal quantile needs 0 ≤ p ≤ 1, got ${p}`);
  }
  if (p > 0.5) return -normalQuantile(1 - p);
  if (p === 0.5) return 0;

  let z = 0;
  for (let iteration = 0; iteration < 200; iteration++) {
    const step = (normalCdf(z) - p) / normalPdf(z);
    z -= step;
    if (Math.abs(step) < 1e-13 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}

/**
 * Student's t CDF with `degreesOfFreedom` ν, using P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2)
 * (Abramowitz & Stegun 26.7.1 with 26.5.27).
 */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) throw new RangeError("Student's t needs degrees of freedom > 0");
  const x = degreesOfFreedom / (degreesOfFreedom + t * t);
  const twoSidedTail = regularizedIncompleteBeta(x, degreesOfFreedom / 2, 0.5);
  return t < 0 ? twoSidedTail / 2 : 1 - twoSidedTail / 2;
}

/**
 * Student's t quantile, by bisection on the CDF: robust for any ν and for the extreme levels
 * that alpha spending asks for, where Newton steps on the heavy tail misbehave.
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile needs 0 < p < 1, got ${p}`);
  if (p < 0.5) return -studentTQuantile(1 - p, degreesOfFreedom);
  if (p === 0.5) return 0;

  let low = 0;
  let high = 1;
  while (studentTCdf(high, degreesOfFreedom) < p) {
    low = high;
    high *= 2;
    if (high > 1e300) return Number.POSITIVE_INFINITY;
  }
  while (high - low > 1e-12 * high) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, degreesOfFreedom) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** ln P(X = k) for X ~ Binomial(n, p), 0 < p < 1. */
function binomialLogPmf(k: number, n: number, p: number): number {
  const logChoose = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/**
 * Sum of a binomial tail starting at `start` and walking away from the mean, in log space: the
 * first term is taken from ln Γ, the rest by the pmf ratio recurrence relative to it, so nothing
 * underflows even for n = 1e6. Terms shrink geometrically past the start, so the walk stops
 * after a few standard deviations (about 9√(npq) terms at worst).
 */
function binomialTail(start: number, n: number, p: number, towardsZero: boolean): number {
  const q = 1 - p;
  let term = 1;
  let sum = 1;
  if (towardsZero) {
    for (let j = start; j > 0; j--) {
      term *= (j / (n - j + 1)) * (q / p);
      sum += term;
      if (term < sum * 1e-17) break;
    }
  } else {
    for (let j = start; j < n; j++) {
      term *= ((n - j) / (j + 1)) * (p / q);
      sum += term;
      if (term < sum * 1e-17) break;
    }
  }
  return Math.exp(binomialLogPmf(start, n, p) + Math.log(sum));
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p). Exact summation of the smaller tail (see `binomialTail`);
 * relative error is set by ln Γ, about 1e-9 at n = 1e6, far below what any decision here needs.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  checkBinomial(n, p);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  const whole = Math.floor(k);
  return whole <= n * p
    ? binomialTail(whole, n, p, true)
    : 1 - binomialTail(whole + 1, n, p, false);
}

/** P(X > k) for X ~ Binomial(n, p), computed directly so a tiny upper tail keeps its digits. */
export function binomialSurvival(k: number, n: number, p: number): number {
  checkBinomial(n, p);
  if (k < 0) return 1;
  if (k >= n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const whole = Math.floor(k);
  return whole + 1 > n * p
    ? binomialTail(whole + 1, n, p, false)
    : 1 - binomialTail(whole, n, p, true);
}

function checkBinomial(n: number, p: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`binomial n must be ≥ 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial p must be in [0, 1], got ${p}`);
}
