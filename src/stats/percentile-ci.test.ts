import { describe, expect, it } from "vitest";
import {
  minimumSamplesFor,
  quantileConfidenceInterval,
  quantileConfidenceRanks,
} from "./percentile-ci.js";
import { createRng } from "./random.js";

describe("order-statistic interval for a quantile", () => {
  it("median of 10 samples at 95%: ranks 2 and 9 (worked example)", () => {
    // B ~ Binomial(10, 1/2): P(B ≤ 1) = 11/1024 ≈ 0.0107 ≤ 0.025 < P(B ≤ 2) = 56/1024, so r = 2;
    // by symmetry s = 9; coverage = 1 − 2·11/1024.
    const ranks = quantileConfidenceRanks(10, 0.5, 0.95);
    expect(ranks).toMatchObject({ lowerRank: 2, upperRank: 9, enoughSamples: true });
    expect(ranks.coverage).toBeCloseTo(1 - 22 / 1024, 12);
  });

  it("says so when n is too small instead of inventing bounds", () => {
    // The widest interval [x₍₁₎, x₍₅₎] covers the median with 1 − 2/32 = 0.9375 < 0.95.
    expect(quantileConfidenceRanks(5, 0.5, 0.95)).toEqual({
      lowerRank: undefined,
      upperRank: undefined,
      enoughSamples: false,
    });
    expect(quantileConfidenceRanks(6, 0.5, 0.95)).toMatchObject({ lowerRank: 1, upperRank: 6 });

    // 100 samples bound p99 from below but not from above: 0.99¹⁰⁰ ≈ 0.37 > 0.025.
    const interval = quantileConfidenceInterval(
      Array.from({ length: 100 }, (_, i) => i + 1),
      0.99,
      0.95,
    );
    expect(interval.enoughSamples).toBe(false);
    expect(interval.upper).toBeUndefined();
    expect(interval.lower).toBeDefined();
    expect(interval.estimate).toBeCloseTo(99.01, 12);
  });

  it("handles n = 1e6 quickly (ranks cross-checked with SciPy's binomial)", () => {
    const started = performance.now();
    const ranks = quantileConfidenceRanks(1_000_000, 0.99, 0.95);
    expect(ranks).toMatchObject({ lowerRank: 989_805, upperRank: 990_196 });
    expect(ranks.coverage).toBeGreaterThanOrEqual(0.95);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("covers the true quantile at least as often as promised", () => {
    // Uniform(0, 1) samples: the true 0.9-quantile is 0.9.
    const rng = createRng(2024);
    let covered = 0;
    const trials = 2000;
    for (let trial = 0; trial < trials; trial++) {
      const samples = Array.from({ length: 60 }, () => rng.next());
      const { lower, upper } = quantileConfidenceInterval(samples, 0.9, 0.9);
      if (lower !== undefined && upper !== undefined && lower <= 0.9 && 0.9 <= upper) covered++;
    }
    const promised = quantileConfidenceRanks(60, 0.9, 0.9).coverage ?? 0;
    expect(promised).toBeGreaterThanOrEqual(0.9);
    // Three binomial standard errors of slack around the exact coverage.
    expect(covered / trials).toBeGreaterThan(promised - 3 * Math.sqrt((0.1 * 0.9) / trials));
  });
});

describe("minimum samples for the largest sample to bound a quantile", () => {
  it("reproduces MLPerf LoadGen's figure: p99 at 99% confidence needs 459 samples", () => {
    // 0.99ⁿ ≤ 0.01 ⇔ n ≥ ln 0.01 / ln 0.99 ≈ 458.2.
    expect(minimumSamplesFor(0.99, 0.99)).toBe(459);
    expect(0.99 ** 459).toBeLessThanOrEqual(0.01);
    expect(0.99 ** 458).toBeGreaterThan(0.01);
  });

  it("matches hand-computed small cases", () => {
    expect(minimumSamplesFor(0.5, 0.95)).toBe(5); // 1/32 ≤ 0.05 < 1/16
    expect(minimumSamplesFor(0.9, 0.9)).toBe(22); // 0.9²² ≈ 0.098
    expect(minimumSamplesFor(0.95, 0.95)).toBe(59); // the classic "59 runs" of tolerance limits
  });
});
