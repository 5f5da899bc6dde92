import { describe, expect, it } from "vitest";
import type { ProcessPair } from "./comparison.js";
import { compareAllMeasured } from "./comparison.js";
import { memoryVerdictDoubt } from "./memory-verdict.js";

const megabyte = 1024 * 1024;

/** Alternating creation orders; growth in MB per side, by order. */
function pairs(
  baselineFirst: [number, number],
  candidateFirst: [number, number],
  count = 8,
): ProcessPair[] {
  return Array.from({ length: count }, (_, index) => {
    const first = index % 2 === 0;
    const [baseline, candidate] = first ? baselineFirst : candidateFirst;
    const jitter = 1 + (index % 3) * 0.001;
    const side = (mb: number) => ({
      samplesMs: [1, 1, 1],
      memoryBytes: mb * megabyte * jitter,
      batch: 1,
    });
    return { baseline: side(baseline), candidate: side(candidate), baselineCreatedFirst: first };
  });
}

describe("memory verdicts from RSS growth in a shared process", () => {
  it("keeps a regression both creation orders agree on", () => {
    const agreeing = pairs([40, 80], [40, 80]);
    expect(memoryVerdictDoubt(agreeing, "regression", 5)).toBeUndefined();
    const memory = compareAllMeasured(agreeing, 5, 0.95).find((row) => row.metric === "memory");
    expect(memory?.verdict).toBe("regression");
  });

  it("calls a difference that only the creation order makes inconclusive", () => {
    // The session created second grows less (it reuses the first one's pages).
    const orderEffect = pairs([40, 30], [30, 40]);
    expect(memoryVerdictDoubt(orderEffect, "no-change", 5)).toContain("creation orders disagree");
    const skewed = pairs([40, 30], [40, 41]);
    expect(memoryVerdictDoubt(skewed, "improvement", 5)).toContain("creation orders disagree");
  });

  it("never decides on growth too small for RSS to attribute", () => {
    const tiny = pairs([0.2, 0.2], [0.2, 0.2]);
    expect(memoryVerdictDoubt(tiny, "no-change", 5)).toContain("under 1 MiB");
    const memory = compareAllMeasured(tiny, 5, 0.95).find((row) => row.metric === "memory");
    expect(memory?.verdict).toBe("inconclusive");
  });

  it("needs both creation orders, and leaves an inconclusive verdict alone", () => {
    const oneOrder = pairs([40, 80], [40, 80]).filter((pair) => pair.baselineCreatedFirst);
    expect(memoryVerdictDoubt(oneOrder, "regression", 5)).toContain("both creation orders");
    expect(memoryVerdictDoubt(pairs([1, 1], [1, 1]), "inconclusive", 5)).toBeUndefined();
  });
});
