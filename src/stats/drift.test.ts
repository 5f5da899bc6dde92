import { describe, expect, it } from "vitest";
import { compareHalves, detectChangePoints, mannWhitneyU, steadyStateStart } from "./drift.js";
import { createRng } from "./random.js";

describe("Mann-Whitney U", () => {
  it("matches a hand computation without ties", () => {
    // Ranks of [1, 2, 3] are 1..3, so U = 6 − 6 = 0; E[U] = 4.5, Var = 9·7/12 = 5.25;
    // z = −(4.5 − 0.5)/√5.25.
    const test = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(test.u).toBe(0);
    expect(test.z).toBeCloseTo(-4 / Math.sqrt(5.25), 12);
    expect(test.pValue).toBeCloseTo(0.0808556, 6);
  });

  it("applies the tie correction", () => {
    // Three 2s share rank 3: R₁ = 1 + 3 + 3 = 7, U = 1; Σ(t³ − t) = 24;
    // Var = (9/12)·(7 − 24/30) = 4.65; z = −(3.5 − 0.5)/√4.65.
    const test = mannWhitneyU([1, 2, 2], [2, 3, 4]);
    expect(test.u).toBe(1);
    expect(test.z).toBeCloseTo(-3 / Math.sqrt(4.65), 12);
  });

  it("returns p = 1 when every value is tied", () => {
    expect(mannWhitneyU([3, 3], [3, 3]).pValue).toBe(1);
  });
});

describe("drift between halves of a run", () => {
  const rng = createRng(31);
  const noise = () => 1 + 0.02 * rng.normal();

  it("stays quiet on a stable run", () => {
    const run = Array.from({ length: 400 }, () => 10 * noise());
    const report = compareHalves(run);
    expect(report.drifted).toBe(false);
    expect(Math.abs(report.relativeChange)).toBeLessThan(0.01);
  });

  it("reports a 10% slowdown in the second half and its size", () => {
    const run = Array.from({ length: 400 }, (_, i) => (i < 200 ? 10 : 11) * noise());
    const report = compareHalves(run);
    expect(report).toMatchObject({ significant: true, drifted: true });
    expect(report.relativeChange).toBeCloseTo(0.1, 1);
  });

  it("does not warn about a significant but negligible shift", () => {
    const run = Array.from({ length: 4000 }, (_, i) => (i < 2000 ? 10 : 10.05) * noise());
    const report = compareHalves(run);
    expect(report.significant).toBe(true);
    expect(report.drifted).toBe(false);
  });
});

describe("change points (PELT)", () => {
  const rng = createRng(77);
  const level = (mean: number, length: number) => Array.from({ length }, () => mean + rng.normal());

  it("finds one and two steps where they are", () => {
    expect(detectChangePoints([...level(10, 30), ...level(14, 30)])).toEqual([30]);
    expect(detectChangePoints([...level(10, 20), ...level(14, 30), ...level(8, 25)])).toEqual([
      20, 50,
    ]);
  });

  it("rarely sees a change in pure noise", () => {
    let falseAlarms = 0;
    for (let trial = 0; trial < 200; trial++) {
      if (detectChangePoints(level(10, 100)).length > 0) falseAlarms++;
    }
    expect(falseAlarms / 200).toBeLessThan(0.03);
  });

  it("returns nothing for a constant series", () => {
    expect(detectChangePoints([5, 5, 5, 5, 5, 5])).toEqual([]);
  });
});

describe("steady state of a warm-up curve", () => {
  const warmUp = [300, 250, 200, 160, 130, 115, 108, 104];
  const steady = [100, 101, 99, 100, 250, 100, 99, 101, 100, 102, 98, 100, 101, 99, 100, 100];

  it("starts at the first run whose neighbourhood matches the final level", () => {
    // Centred medians of 5: index 6 → median(130, 115, 108, 104, 100) = 108, outside 5%;
    // index 7 → median(115, 108, 104, 100, 101) = 104, inside. The spike at 12 is ignored.
    expect(steadyStateStart([...warmUp, ...steady])).toBe(7);
    expect(steadyStateStart([...warmUp, ...steady], { tolerancePct: 1 })).toBe(8);
  });

  it("is 0 for a flat curve and undefined for one that never settles", () => {
    expect(steadyStateStart(steady)).toBe(0);
    const stillFalling = Array.from({ length: 30 }, (_, i) => 300 - 8 * i);
    expect(steadyStateStart(stillFalling)).toBeUndefined();
    expect(steadyStateStart([1, 2, 3])).toBeUndefined();
  });
});
