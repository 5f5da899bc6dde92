import { describe, expect, it } from "vitest";
import {
  coefficientOfVariation,
  max,
  mean,
  median,
  min,
  percentile,
  standardDeviation,
  summarize,
} from "./descriptive.js";

const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

describe("descriptive statistics", () => {
  it("percentiles of 1..100 follow Hyndman & Fan type 7", () => {
    // h = 99·p/100, interpolating between the h-th and (h+1)-th values (0-based).
    expect(percentile(oneToHundred, 0)).toBe(1);
    expect(percentile(oneToHundred, 25)).toBeCloseTo(25.75, 12);
    expect(percentile(oneToHundred, 50)).toBeCloseTo(50.5, 12);
    expect(percentile(oneToHundred, 95)).toBeCloseTo(95.05, 12);
    expect(percentile(oneToHundred, 99)).toBeCloseTo(99.01, 12);
    expect(percentile(oneToHundred, 100)).toBe(100);
  });

  it("uses every sample, in any order, without reordering the input", () => {
    const shuffled = [5, 1, 4, 2, 3, 1000];
    expect(median(shuffled)).toBe(3.5);
    expect(shuffled).toEqual([5, 1, 4, 2, 3, 1000]);
    expect(max(shuffled)).toBe(1000);
    expect(min(shuffled)).toBe(1);
  });

  it("mean, sample standard deviation and CV", () => {
    expect(mean(oneToHundred)).toBe(50.5);
    // Var of 1..n with n − 1 denominator is n(n + 1)/12.
    expect(standardDeviation(oneToHundred)).toBeCloseTo(Math.sqrt((100 * 101) / 12), 12);
    expect(coefficientOfVariation([9, 11])).toBeCloseTo(Math.SQRT2 / 10, 12);
    expect(standardDeviation([4])).toBeNaN();
  });

  it("keeps precision on large offsets", () => {
    const offset = [1e9 + 1, 1e9 + 2, 1e9 + 3];
    expect(mean(offset)).toBe(1e9 + 2);
    expect(standardDeviation(offset)).toBeCloseTo(1, 9);
  });

  it("summarizes in one call and refuses empty input", () => {
    const summary = summarize(oneToHundred);
    expect(summary).toMatchObject({ count: 100, min: 1, max: 100, median: 50.5 });
    expect(summary.p99).toBeCloseTo(99.01, 12);
    expect(() => summarize([])).toThrow(RangeError);
  });
});
