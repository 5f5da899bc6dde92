import { describe, expect, it } from "vitest";
import { flagOutliers, modifiedZScoreOutliers, tukeyOutliers } from "./outliers.js";

// 1..20 plus 45 (first) and 80 (last). Sorted: Q1 = 6.25 and Q3 = 16.75 (type 7), IQR = 10.5,
// inner fences (−9.5, 32.5), outer fences (−25.25, 48.25): 45 is mild, 80 extreme.
const samples = [45, ...Array.from({ length: 20 }, (_, i) => i + 1), 80];

describe("Tukey's fences", () => {
  it("flags mild and extreme outliers by index, without removing any", () => {
    const flags = tukeyOutliers(samples);
    expect(flags.firstQuartile).toBeCloseTo(6.25, 12);
    expect(flags.thirdQuartile).toBeCloseTo(16.75, 12);
    expect(flags.innerFences[1]).toBeCloseTo(32.5, 12);
    expect(flags.outerFences[1]).toBeCloseTo(48.25, 12);
    expect(flags).toMatchObject({ mild: [0], extreme: [21], mildCount: 1, extremeCount: 1 });
    expect(samples).toHaveLength(22);
  });
});

describe("modified z-score", () => {
  it("flags by |0.6745 (x − median) / MAD| > 3.5", () => {
    // Median 11.5; |deviations| sorted have 5.5 as the 11th and 12th values, so MAD = 5.5.
    // Scores: 45 → 0.6745·33.5/5.5 ≈ 4.11, 80 → ≈ 8.40, 1 → ≈ −1.29.
    const flags = modifiedZScoreOutliers(samples);
    expect(flags.median).toBe(11.5);
    expect(flags.medianAbsoluteDeviation).toBe(5.5);
    expect(flags.scores[0]).toBeCloseTo((0.6745 * 33.5) / 5.5, 12);
    expect(flags).toMatchObject({ indices: [0, 21], count: 2 });
  });

  it("flags nothing when the MAD is 0, leaving the spread to Tukey", () => {
    const coarse = [5, 5, 5, 5, 5, 9];
    const report = flagOutliers(coarse);
    expect(report.modifiedZ.count).toBe(0);
    expect(report.tukey.extreme).toEqual([5]);
  });
});
