import { describe, expect, it } from "vitest";
import { createRng } from "../stats/random.js";
import { analyzeWarmupCurve } from "./warmup.js";

const cold = { sessionCreationMs: 12, firstInferenceMs: 40 };

/** A curve that starts slow, falls to `level` at `settleAt`, with ±2% noise. */
function curve(settleAt: number, length: number, seed = 1): number[] {
  const rng = createRng(seed);
  return Array.from({ length }, (_, index) => {
    const level = index === 0 ? 40 : index < settleAt ? 20 : 10;
    return level * (1 + 0.02 * (rng.next() - 0.5));
  });
}

describe("analyzeWarmupCurve", () => {
  it("puts steady state where the curve reaches its final level", () => {
    const analysis = analyzeWarmupCurve(curve(8, 50), cold);
    expect(analysis.steady_state_index).toBe(8);
    expect(analysis.change_points).toContain(8);
    expect(analysis.settled).toBe(true);
    expect(analysis.steady_state_ms).toBeCloseTo(10, 0);
    // Runs 1..7 are warm-up after the first inference, plus a quarter: ⌈1.25 × 7⌉.
    expect(analysis.recommended_warmup).toBe(9);
  });

  it("ignores a short spike after steady state", () => {
    const values = curve(5, 60);
    values[40] = 80;
    values[41] = 75;
    expect(analyzeWarmupCurve(values, cold).steady_state_index).toBe(5);
  });

  it("recommends the whole curve when it settles only at the end", () => {
    const analysis = analyzeWarmupCurve(curve(45, 50), cold);
    expect(analysis.settled).toBe(false);
    expect(analysis.recommended_warmup).toBe(50);
  });

  it("recommends one run for a curve that is flat from the start", () => {
    const rng = createRng(3);
    const flat = Array.from({ length: 40 }, () => 10 * (1 + 0.02 * (rng.next() - 0.5)));
    const analysis = analyzeWarmupCurve(flat, cold);
    expect(analysis.steady_state_index).toBe(0);
    expect(analysis.recommended_warmup).toBe(1);
  });
});
