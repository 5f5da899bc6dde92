import { describe, expect, it } from "vitest";
import { parseMetricValue, parseStep } from "./names.js";

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error("expected an error");
}

describe("metric values typed on the command line", () => {
  it("accept decimals in every usual spelling", () => {
    expect(parseMetricValue("k", "0.93")).toBe(0.93);
    expect(parseMetricValue("k", "-0.25")).toBe(-0.25);
    expect(parseMetricValue("k", "+3")).toBe(3);
    expect(parseMetricValue("k", ".5")).toBe(0.5);
    expect(parseMetricValue("k", "7.")).toBe(7);
    expect(parseMetricValue("k", "1e-4")).toBe(0.0001);
    expect(parseMetricValue("k", " 2E3 ")).toBe(2000);
  });

  it("accept nan and infinities in any case", () => {
    expect(parseMetricValue("k", "nan")).toBeNaN();
    expect(parseMetricValue("k", "NaN")).toBeNaN();
    expect(parseMetricValue("k", "inf")).toBe(Number.POSITIVE_INFINITY);
    expect(parseMetricValue("k", "+Infinity")).toBe(Number.POSITIVE_INFINITY);
    expect(parseMetricValue("k", "-INF")).toBe(Number.NEGATIVE_INFINITY);
  });

  it("refuse words, empty text, hex and decimals that overflow a float64", () => {
    for (const text of ["", " ", "abc", "0x10", "1,5", "1e", "--1", "1e999", "-1e999"]) {
      expect(codeOf(() => parseMetricValue("k", text))).toBe("METRIC_VALUE_INVALID");
    }
  });
});

describe("steps typed on the command line", () => {
  it("are whole numbers, negative ones included (as MLflow allows)", () => {
    expect(parseStep("0")).toBe(0);
    expect(parseStep("1500")).toBe(1500);
    expect(parseStep("-3")).toBe(-3);
  });

  it("refuse fractions, words and numbers beyond 2^53", () => {
    for (const text of ["1.5", "one", "", "9007199254740993"]) {
      expect(codeOf(() => parseStep(text))).toBe("METRIC_STEP_INVALID");
    }
  });
});
