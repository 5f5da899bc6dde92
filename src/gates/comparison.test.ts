import { describe, expect, it } from "vitest";
import { compareMeasuredMetric, compareSize, type ProcessPair } from "./comparison.js";
import { exitCodeFor } from "./exit-codes.js";

/** Processes whose candidate is `factor` times the baseline's latency, with a little jitter. */
function pairs(factor: number, count = 8): ProcessPair[] {
  return Array.from({ length: count }, (_, index) => {
    const jitter = 1 + ((index % 3) - 1) * 0.01;
    const samples = Array.from({ length: 21 }, (_, run) => 1 + run * 0.001);
    return {
      baseline: { samplesMs: samples, memoryBytes: 10e6, batch: 1 },
      candidate: {
        samplesMs: samples.map((sample) => sample * factor * jitter),
        memoryBytes: 10e6,
        batch: 1,
      },
    };
  });
}

describe("comparing per-process measurements", () => {
  it("calls a 20% slowdown a regression at a 5% threshold", () => {
    const result = compareMeasuredMetric(pairs(1.2), "p50", 5, 0.95);
    expect(result.verdict).toBe("regression");
    expect(result.change_pct).toBeCloseTo(20, 0);
    expect(result.interval_pct[0]).toBeGreaterThan(0);
    expect(result.replications).toBe(8);
  });

  it("calls identical builds no change", () => {
    expect(compareMeasuredMetric(pairs(1), "p50", 5, 0.95).verdict).toBe("no-change");
  });

  it("knows that lower throughput is the regression", () => {
    const result = compareMeasuredMetric(pairs(1.2), "throughput", 5, 0.95);
    expect(result.direction).toBe("higher-is-better");
    expect(result.change_pct).toBeLessThan(-10);
    expect(result.verdict).toBe("regression");
    expect(compareMeasuredMetric(pairs(0.8), "throughput", 5, 0.95).verdict).toBe("improvement");
  });

  it("needs an effect beyond the threshold, not only evidence", () => {
    // A clear but small (2%) change is not a regression at 5%.
    expect(compareMeasuredMetric(pairs(1.02, 30), "p50", 5, 0.95).verdict).not.toBe("regression");
  });

  it("decides size exactly", () => {
    expect(compareSize(100, 106, 5).verdict).toBe("regression");
    expect(compareSize(100, 104, 5).verdict).toBe("no-change");
    expect(compareSize(100, 90, 5).verdict).toBe("improvement");
    expect(compareSize(100, 106, 5).confidence).toBe(1);
  });

  it("maps verdicts to exit codes, with the inconclusive policy", () => {
    expect(exitCodeFor("regression")).toBe(1);
    expect(exitCodeFor("no-change")).toBe(0);
    expect(exitCodeFor("improvement")).toBe(0);
    expect(exitCodeFor("inconclusive")).toBe(3);
    expect(exitCodeFor("inconclusive", "pass")).toBe(0);
    expect(exitCodeFor("inconclusive", "fail")).toBe(1);
  });
});
