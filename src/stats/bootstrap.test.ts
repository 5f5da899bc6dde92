import { describe, expect, it } from "vitest";
import { bootstrapInterval } from "./bootstrap.js";
import { mean, median, standardDeviation } from "./descriptive.js";
import { createRng } from "./random.js";

describe("seeded PRNG (xoshiro128**)", () => {
  it("repeats exactly for a seed and differs between seeds", () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 5 }, () => rng.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(0)).not.toEqual(draw(2 ** 32));
  });

  it("gives uniform and standard normal draws", () => {
    const rng = createRng(99);
    const uniform = Array.from({ length: 20_000 }, () => rng.next());
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniform)).toBeLessThan(1);
    expect(mean(uniform)).toBeCloseTo(0.5, 2);

    const normal = Array.from({ length: 20_000 }, () => rng.normal());
    expect(mean(normal)).toBeCloseTo(0, 1);
    expect(standardDeviation(normal)).toBeCloseTo(1, 1);

    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.integer(3)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });
});

describe("bootstrap intervals", () => {
  const rng = createRng(5);
  const normalSamples = Array.from({ length: 200 }, () => 10 + rng.normal());

  it("is deterministic given a seed", () => {
    const first = bootstrapInterval(normalSamples, median, { seed: 11, resamples: 500 });
    const again = bootstrapInterval(normalSamples, median, { seed: 11, resamples: 500 });
    const other = bootstrapInterval(normalSamples, median, { seed: 12, resamples: 500 });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it("matches the normal-theory interval for the mean of normal data", () => {
    // Mean ± 1.96 σ/√n; both bootstrap methods should land within a few percent of its width.
    const expectedHalfWidth = (1.96 * standardDeviation(normalSamples)) / Math.sqrt(200);
    for (const method of ["percentile", "bca"] as const) {
      const interval = bootstrapInterval(normalSamples, mean, { method, seed: 3 });
      expect(interval.lower).toBeLessThan(interval.estimate);
      expect(interval.upper).toBeGreaterThan(interval.estimate);
      const halfWidth = (interval.upper - interval.lower) / 2;
      expect(halfWidth / expectedHalfWidth).toBeGreaterThan(0.9);
      expect(halfWidth / expectedHalfWidth).toBeLessThan(1.1);
    }
  });

  it("BCa shifts the interval toward the long tail of skewed data", () => {
    const skewedRng = createRng(8);
    const latencies = Array.from({ length: 150 }, () => Math.exp(skewedRng.normal()));
    const percentile = bootstrapInterval(latencies, mean, { method: "percentile", seed: 1 });
    const bca = bootstrapInterval(latencies, mean, { method: "bca", seed: 1 });
    expect(bca.upper).toBeGreaterThan(percentile.upper);
  });
});
