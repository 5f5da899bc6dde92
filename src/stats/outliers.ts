/**
 * Outlier flags for a sample set. They are reported so a user can see a noisy run, and never
 * used to drop samples: percentiles are computed on everything (PRODUCT.md).
 */

import { median, quantileSorted, sortAscending } from "./descriptive.js";

export interface TukeyFlags {
  firstQuartile: number;
  thirdQuartile: number;
  interquartileRange: number;
  /** Q1 − 1.5·IQR and Q3 + 1.5·IQR. */
  innerFences: [number, number];
  /** Q1 − 3·IQR and Q3 + 3·IQR. */
  outerFences: [number, number];
  /** Indices (into the input) outside the inner fences but inside the outer ones. */
  mild: number[];
  /** Indices outside the outer fences. */
  extreme: number[];
  mildCount: number;
  extremeCount: number;
}

export interface ModifiedZFlags {
  median: number;
  /** Median absolute deviation from the median (unscaled). */
  medianAbsoluteDeviation: number;
  threshold: number;
  /** One score per sample; all 0 when the MAD is 0 (see `modifiedZScoreOutliers`). */
  scores: number[];
  indices: number[];
  count: number;
}

/**
 * Tukey's fences (Tukey, "Exploratory Data Analysis", 1977): beyond 1.5 IQR from the quartiles
 * is a mild outlier, beyond 3 IQR an extreme one. Tukey used hinges; we use the type-7 quartiles
 * that every other number in the report uses, which differ from hinges only for small n.
 */
export function tukeyOutliers(samples: readonly number[]): TukeyFlags {
  const sorted = sortAscending(samples);
  const firstQuartile = quantileSorted(sorted, 0.25);
  const thirdQuartile = quantileSorted(sorted, 0.75);
  const interquartileRange = thirdQuartile - firstQuartile;
  const innerFences: [number, number] = [
    firstQuartile - 1.5 * interquartileRange,
    thirdQuartile + 1.5 * interquartileRange,
  ];
  const outerFences: [number, number] = [
    firstQuartile - 3 * interquartileRange,
    thirdQuartile + 3 * interquartileRange,
  ];

  const mild: number[] = [];
  const extreme: number[] = [];
  samples.forEach((value, index) => {
    if (value < outerFences[0] || value > outerFences[1]) extreme.push(index);
    else if (value < innerFences[0] || value > innerFences[1]) mild.push(index);
  });

  return {
    firstQuartile,
    thirdQuartile,
    interquartileRange,
    innerFences,
    outerFences,
    mild,
    extreme,
    mildCount: mild.length,
    extremeCount: extreme.length,
  };
}

/**
 * Modified z-scores Mᵢ = 0.6745 (xᵢ − median) / MAD, flagged when |Mᵢ| > 3.5 (Iglewicz & Hoaglin,
 * "How to Detect and Handle Outliers", 1993). 0.6745 = Φ⁻¹(0.75) makes the MAD consistent with σ
 * for normal data. When more than half the samples are identical (coarse timers) the MAD is 0 and
 * the score is undefined; we then flag nothing rather than calling every other sample an
 * outlier, and Tukey's fences still report the spread.
 */
export function modifiedZScoreOutliers(
  samples: readonly number[],
  threshold = 3.5,
): ModifiedZFlags {
  const center = median(samples);
  const medianAbsoluteDeviation = median(samples.map((value) => Math.abs(value - center)));
  const scores =
    medianAbsoluteDeviation === 0
      ? samples.map(() => 0)
      : samples.map((value) => (0.6745 * (value - center)) / medianAbsoluteDeviation);

  const indices: number[] = [];
  scores.forEach((score, index) => {
    if (Math.abs(score) > threshold) indices.push(index);
  });
  return {
    median: center,
    medianAbsoluteDeviation,
    threshold,
    scores,
    indices,
    count: indices.length,
  };
}

export interface OutlierReport {
  tukey: TukeyFlags;
  modifiedZ: ModifiedZFlags;
}

/** Both detectors, for reports that show how many samples look unusual and why. */
export function flagOutliers(samples: readonly number[]): OutlierReport {
  return { tukey: tukeyOutliers(samples), modifiedZ: modifiedZScoreOutliers(samples) };
}
