import { describe, expect, it } from "vitest";
import { createRng } from "./random.js";
import { sequentialPlan } from "./ratio.js";
import { simulateVerdicts } from "./simulate.js";

/**
 * Ten recorded A/A processes: each process has its own speed (±5%, shared by both slots, as
 * when both sessions alternate in one process), the candidate slot a further ±2% of its own,
 * and 200 lognormal latencies around that (10% CV).
 */
function recordedProcesses(seed: number) {
  const rng = createRng(seed);
  const baseline: number[][] = [];
  const candidate: number[][] = [];
  for (let process = 0; process < 10; process++) {
    const speed = 10 * Math.exp(0.05 * rng.normal());
    const candidateSpeed = speed * Math.exp(0.02 * rng.normal());
    baseline.push(Array.from({ length: 200 }, () => speed * Math.exp(0.1 * rng.normal())));
    candidate.push(
      Array.from({ length: 200 }, () => candidateSpeed * Math.exp(0.1 * rng.normal())),
    );
  }
  return { baseline, candidate };
}

describe("simulateVerdicts", () => {
  const recorded = recordedProcesses(4);
  const plan = sequentialPlan({ maxLooks: 4 });
  const base = { ...recorded, plan, thresholdPct: 5, trials: 300, seed: 17 };

  it("replays identical builds without false regressions", () => {
    const result = simulateVerdicts({ ...base, shift: 1 });
    expect(result.counts.regression).toBe(0);
    expect(result.rates["no-change"]).toBeGreaterThan(0.9);
    expect(result.meanProcesses).toBeGreaterThanOrEqual(6);
  });

  it("detects a 10% slowdown of the candidate", () => {
    const result = simulateVerdicts({ ...base, shift: 1.1 });
    expect(result.rates.regression).toBeGreaterThanOrEqual(0.95);
  });

  it("is deterministic given a seed", () => {
    const first = simulateVerdicts({ ...base, shift: 1.05, trials: 50 });
    expect(simulateVerdicts({ ...base, shift: 1.05, trials: 50 })).toEqual(first);
    const rates = Object.values(first.rates).reduce((sum, rate) => sum + rate, 0);
    expect(rates).toBeCloseTo(1, 12);
  });

  it("refuses recordings that do not pair up", () => {
    expect(() =>
      simulateVerdicts({ ...base, candidate: recorded.candidate.slice(1), shift: 1 }),
    ).toThrow(RangeError);
  });
});
