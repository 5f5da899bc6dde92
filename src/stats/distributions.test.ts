import { describe, expect, it } from "vitest";
import {
  binomialCdf,
  binomialSurvival,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from "./distributions.js";
import { logGamma, regularizedIncompleteBeta } from "./special-functions.js";

/** Direct summation of C(n, k) p^k q^(n-k), fine for small n. */
function naiveBinomialCdf(k: number, n: number, p: number): number {
  let total = 0;
  let choose = 1;
  for (let j = 0; j <= k; j++) {
    total += choose * p ** j * (1 - p) ** (n - j);
    choose = (choose * (n - j)) / (j + 1);
  }
  return total;
}

describe("special functions", () => {
  it("ln Γ matches factorials and Γ(1/2) = √π", () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 13);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 10);
  });

  it("incomplete beta matches closed forms", () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedIncompleteBeta(0.3, 4, 1)).toBeCloseTo(0.3 ** 4, 14);
    expect(regularizedIncompleteBeta(0.5, 7.5, 7.5)).toBeCloseTo(0.5, 14);
  });
});

describe("normal and Student's t", () => {
  // Reference values computed independently with SciPy 1.17 (scipy.stats.norm / scipy.stats.t).
  it("reproduces textbook values", () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 13);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427174e-16, 25);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 8);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174698, 8);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.5705818356363146, 9);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.169272672616951, 9);
    expect(studentTCdf(-2.5705818356363146, 5)).toBeCloseTo(0.025, 12);
  });
});

describe("binomial CDF", () => {
  it("agrees with direct summation for small n", () => {
    for (const [n, p] of [
      [10, 0.5],
      [37, 0.9],
      [60, 0.01],
    ]) {
      for (let k = 0; k <= n; k++) {
        expect(binomialCdf(k, n, p)).toBeCloseTo(naiveBinomialCdf(k, n, p), 12);
        expect(binomialSurvival(k, n, p)).toBeCloseTo(1 - naiveBinomialCdf(k, n, p), 12);
      }
    }
  });

  it("stays accurate at n = 1e6, against the incomplete-beta identity", () => {
    // P(X ≤ k) = I_{1−p}(n − k, k + 1): an independent route to the same number.
    const n = 1_000_000;
    const p = 0.99;
    for (const k of [989_000, 989_800, 990_000, 990_300]) {
      const viaBeta = regularizedIncompleteBeta(1 - p, n - k, k + 1);
      expect(binomialCdf(k, n, p)).toBeCloseTo(viaBeta, 8);
    }
    expect(binomialCdf(988_000, n, p)).toBeLessThan(1e-80);
    expect(binomialSurvival(991_000, n, p)).toBeGreaterThan(0);
    expect(binomialSurvival(991_000, n, p)).toBeLessThan(1e-20);
  });
});
