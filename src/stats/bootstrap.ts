/**
 * Bootstrap confidence intervals for any statistic of one sample set (Efron & Tibshirani,
 * "An Introduction to the Bootstrap", 1993): the percentile interval (ch. 13) and the
 * bias-corrected and accelerated BCa interval (ch. 14; Efron 1987). Deterministic given a seed.
 */

import { quantileSorted, sortAscending } from "./descriptive.js";
import { normalCdf, normalQuantile } from "./distributions.js";
import { createRng, type Rng } from "./random.js";

export type BootstrapMethod = "percentile" | "bca";

export interface BootstrapOptions {
  /** @default 0.95 */
  confidence?: number;
  /** @default 2000 */
  resamples?: number;
  /** @default 1 */
  seed?: number;
  /** @default "bca" */
  method?: BootstrapMethod;
}

export interface BootstrapInterval {
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  method: BootstrapMethod;
  resamples: number;
}

export type Statistic = (samples: readonly number[]) => number;

/** n draws with replacement. */
export function resample(samples: readonly number[], rng: Rng): number[] {
  const drawn = new Array<number>(samples.length);
  for (let i = 0; i < samples.length; i++) drawn[i] = samples[rng.integer(samples.length)];
  return drawn;
}

/**
 * Interval for `statistic(samples)`. BCa corrects the percentile interval for bias (z₀) and for
 * a standard error that changes with the parameter (acceleration a, from the jackknife), which
 * matters for skewed latency data; it costs n extra evaluations of the statistic.
 */
export function bootstrapInterval(
  samples: readonly number[],
  statistic: Statistic,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const { confidence = 0.95, resamples = 2000, seed = 1, method = "bca" } = options;
  if (samples.length === 0) throw new RangeError("bootstrap needs at least one sample");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError("confidence must be in (0, 1)");

  const rng = createRng(seed);
  const estimate = statistic(samples);
  const replicates = sortAscending(
    Array.from({ length: resamples }, () => statistic(resample(samples, rng))),
  );

  const alpha = (1 - confidence) / 2;
  const [lowerLevel, upperLevel] =
    method === "bca"
      ? bcaLevels(samples, statistic, estimate, replicates, alpha)
      : [alpha, 1 - alpha];

  return {
    estimate,
    lower: quantileSorted(replicates, lowerLevel),
    upper: quantileSorted(replicates, upperLevel),
    confidence,
    method,
    resamples,
  };
}

/** BCa-adjusted percentile levels (Efron & Tibshirani 1993, eq. 14.10). */
function bcaLevels(
  samples: readonly number[],
  statistic: Statistic,
  estimate: number,
  sortedReplicates: readonly number[],
  alpha: number,
): [number, number] {
  const bias = biasCorrection(sortedReplicates, estimate);
  const acceleration = jackknifeAcceleration(samples, statistic);

  const adjust = (level: number): number => {
    const z = normalQuantile(level);
    const shifted = bias + (bias + z) / (1 - acceleration * (bias + z));
    return Number.isFinite(shifted) ? normalCdf(shifted) : level;
  };
  return [adjust(alpha), adjust(1 - alpha)];
}

/**
 * z₀ = Φ⁻¹(share of replicates below the estimate), counting ties as half so a discrete
 * statistic (the median of integer timings) is not biased. Clamped by half a replicate so one
 * lopsided resample set cannot give an infinite correction.
 */
function biasCorrection(sortedReplicates: readonly number[], estimate: number): number {
  let below = 0;
  for (const value of sortedReplicates) {
    if (value < estimate) below += 1;
    else if (value === estimate) below += 0.5;
  }
  const count = sortedReplicates.length;
  const share = Math.min(Math.max(below / count, 0.5 / count), 1 - 0.5 / count);
  return normalQuantile(share);
}

/** a = Σ(θ̄ − θ₍ᵢ₎)³ / (6 [Σ(θ̄ − θ₍ᵢ₎)²]^{3/2}) over leave-one-out estimates θ₍ᵢ₎. */
function jackknifeAcceleration(samples: readonly number[], statistic: Statistic): number {
  if (samples.length < 3) return 0;
  const leaveOneOut = samples.map((_, skipped) =>
    statistic(samples.filter((_, index) => index !== skipped)),
  );
  const average = leaveOneOut.reduce((sum, value) => sum + value, 0) / leaveOneOut.length;

  let squares = 0;
  let cubes = 0;
  for (const value of leaveOneOut) {
    const deviation = average - value;
    squares += deviation * deviation;
    cubes += deviation * deviation * deviation;
  }
  return squares === 0 ? 0 : cubes / (6 * squares ** 1.5);
}
