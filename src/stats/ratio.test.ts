import { describe, expect, it } from "vitest";
import { createRng } from "./random.js";
import { decide, decideSequential, estimateRatio, sequentialPlan, type Verdict } from "./ratio.js";

describe("estimateRatio", () => {
  it("is the geometric mean with a t interval on the log-ratios", () => {
    // Log-ratios 0.1, −0.1, 0.2, 0: mean 0.05, sample variance 0.05/3, se = √(0.05/12);
    // t(0.975, 3) = 3.182446305284263 (SciPy).
    const ratios = [0.1, -0.1, 0.2, 0].map(Math.exp);
    const estimate = estimateRatio(ratios, 0.95);
    const halfWidth = 3.182446305284263 * Math.sqrt(0.05 / 12);
    expect(estimate.ratio).toBeCloseTo(Math.exp(0.05), 12);
    expect(estimate.lowerChange).toBeCloseTo(Math.exp(0.05 - halfWidth) - 1, 9);
    expect(estimate.upperChange).toBeCloseTo(Math.exp(0.05 + halfWidth) - 1, 9);
  });

  it("gives no interval from one process and refuses non-positive ratios", () => {
    expect(estimateRatio([1.2]).lowerChange).toBeUndefined();
    expect(() => estimateRatio([1, 0])).toThrow(RangeError);
  });
});

describe("decide", () => {
  const around = (centre: number) => [0.99, 1.0, 1.01, 0.995, 1.005, 1.0].map((r) => r * centre);
  const latency = (ratios: number[]) =>
    decide({ ratios, thresholdPct: 5, direction: "lower-is-better" }).verdict;
  const throughput = (ratios: number[]) =>
    decide({ ratios, thresholdPct: 5, direction: "higher-is-better" }).verdict;

  it("needs evidence and an effect beyond the threshold for a regression", () => {
    expect(latency(around(1.12))).toBe("regression");
    expect(latency(around(1.0))).toBe("no-change");
    expect(latency(around(0.88))).toBe("improvement");
    // A real but sub-threshold change is inside the tolerance: it must not fail the build.
    expect(latency(around(1.04))).toBe("no-change");

    // Estimate past the threshold without evidence (the interval reaches below 0): measure more.
    const spread = [0.95, 1.17, 1.0, 1.12, 1.02, 1.1];
    const unsure = decide({ ratios: spread, thresholdPct: 5, direction: "lower-is-better" });
    expect(unsure.estimate.relativeChange).toBeGreaterThan(0.05);
    expect(unsure.estimate.lowerChange).toBeLessThan(0);
    expect(unsure.verdict).toBe("inconclusive");
  });

  it("swaps the meaning for higher-is-better metrics such as throughput", () => {
    expect(throughput(around(0.88))).toBe("regression");
    expect(throughput(around(1.12))).toBe("improvement");
  });

  it("is inconclusive when the processes disagree too much", () => {
    expect(latency([0.8, 1.3, 1.0, 1.25, 0.85, 1.1])).toBe("inconclusive");
  });
});

describe("sequentialPlan", () => {
  it("spends exactly alpha over the looks, batch by batch", () => {
    for (const spending of ["pocock", "obrien-fleming", "bonferroni"] as const) {
      const plan = sequentialPlan({ maxLooks: 5, alpha: 0.02, spending });
      expect(plan.looks.map((look) => look.processes)).toEqual([6, 10, 14, 18, 22]);
      const total = plan.looks.reduce((sum, look) => sum + look.alpha, 0);
      expect(total).toBeCloseTo(0.02, 12);
      for (const look of plan.looks) expect(look.alpha).toBeGreaterThan(0);
    }
  });

  it("spends early with Pocock and late with O'Brien-Fleming", () => {
    const pocock = sequentialPlan({ maxLooks: 4, spending: "pocock" }).looks;
    const obrienFleming = sequentialPlan({ maxLooks: 4, spending: "obrien-fleming" }).looks;
    expect(pocock[0].alpha).toBeGreaterThan(pocock[3].alpha);
    expect(obrienFleming[0].alpha).toBeLessThan(obrienFleming[3].alpha);
    expect(obrienFleming[0].alpha).toBeLessThan(1e-4);
  });
});

/**
 * Synthetic `compare` runs: per-process ratios are lognormal with 3% CV between processes,
 * processes arrive 6, then 4 per look, for up to 5 looks (22 processes).
 */
function runTrials(
  trueRatio: number,
  trials: number,
  seed: number,
  thresholdPct = 5,
): Record<Verdict, number> {
  const plan = sequentialPlan({ maxLooks: 5 });
  const sigma = Math.sqrt(Math.log(1 + 0.03 ** 2));
  const rng = createRng(seed);
  const counts: Record<Verdict, number> = {
    regression: 0,
    improvement: 0,
    "no-change": 0,
    inconclusive: 0,
  };
  for (let trial = 0; trial < trials; trial++) {
    const ratios: number[] = [];
    for (const planned of plan.looks) {
      while (ratios.length < planned.processes)
        ratios.push(trueRatio * Math.exp(sigma * rng.normal()));
      const decision = decideSequential(
        ratios,
        planned.look,
        plan,
        thresholdPct,
        "lower-is-better",
      );
      if (decision.stop) {
        counts[decision.verdict]++;
        break;
      }
    }
  }
  return counts;
}

describe("decideSequential (Monte Carlo, threshold 5%)", () => {
  it("almost never calls identical builds a regression (< 1% of 4000 trials)", () => {
    const counts = runTrials(1, 4000, 20240601);
    expect(counts.regression / 4000).toBeLessThan(0.01);
    expect(counts["no-change"] / 4000).toBeGreaterThan(0.95);
  });

  it("keeps false regressions ≤ alpha/2 = 1% from the interval alone, over all looks", () => {
    // At a 0.1% threshold the effect-size condition no longer helps; only the alpha spending
    // across the five looks stands between noise and a failed build.
    const counts = runTrials(1, 4000, 20240603, 0.1);
    expect(counts.regression / 4000).toBeLessThan(0.01);
    expect(counts.improvement / 4000).toBeLessThan(0.01);
  });

  it("detects a true +10% regression (≥ 95% of 4000 trials)", () => {
    const counts = runTrials(1.1, 4000, 20240602);
    expect(counts.regression / 4000).toBeGreaterThanOrEqual(0.95);
  });

  it("stops at the first look when it can, and at the last look otherwise", () => {
    const plan = sequentialPlan({ maxLooks: 3 });
    const clear = [1.1, 1.11, 1.09, 1.1, 1.1, 1.105];
    expect(decideSequential(clear, 1, plan, 5, "lower-is-better")).toMatchObject({
      verdict: "regression",
      stop: true,
    });
    const noisy = [0.8, 1.3, 1.0, 1.25, 0.85, 1.1];
    expect(decideSequential(noisy, 1, plan, 5, "lower-is-better").stop).toBe(false);
    expect(decideSequential(noisy, 3, plan, 5, "lower-is-better")).toMatchObject({
      verdict: "inconclusive",
      stop: true,
    });
    expect(() => decideSequential(noisy, 4, plan, 5, "lower-is-better")).toThrow(RangeError);
  });
});
