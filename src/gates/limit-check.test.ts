import { describe, expect, it } from "vitest";
import { checkLimit, overallStatus, perProcessEstimate } from "./limit-check.js";
import { type Limit, limitGates } from "./limits.js";

function limit(gate: string, value: number, severity: "error" | "warn" = "error"): Limit {
  const found = limitGates.find((candidate) => candidate.gate === gate);
  if (!found) throw new Error(gate);
  return { gate: found, value, severity };
}

describe("deciding a limit by the interval", () => {
  const estimate = { value: 10, interval: [9, 11] as [number, number] };

  it("passes a max limit only when the whole interval is under it", () => {
    expect(checkLimit(limit("max-p95", 12), estimate, false).status).toBe("pass");
    expect(checkLimit(limit("max-p95", 10.5), estimate, false).status).toBe("inconclusive");
    expect(checkLimit(limit("max-p95", 8), estimate, false).status).toBe("fail");
  });

  it("turns the test around for min limits", () => {
    expect(checkLimit(limit("min-throughput", 8), estimate, false).status).toBe("pass");
    expect(checkLimit(limit("min-throughput", 10), estimate, false).status).toBe("inconclusive");
    expect(checkLimit(limit("min-throughput", 12), estimate, false).status).toBe("fail");
  });

  it("decides exact values without an interval", () => {
    const size = checkLimit(limit("max-size", 10), { value: 10.5, interval: null }, true);
    expect(size.status).toBe("fail");
    expect(size.interval).toBeNull();
  });

  it("never passes what was not measured", () => {
    const check = checkLimit(limit("max-error", 0.01), null, true);
    expect(check.status).toBe("not-measured");
    expect(check.message).toContain("not recorded");
    expect(overallStatus([check])).toBe("inconclusive");
  });

  it("lets warn-severity failures through and error-severity failures fail", () => {
    const warned = checkLimit(limit("max-p95", 8, "warn"), estimate, false);
    const passed = checkLimit(limit("max-p99", 20), estimate, false);
    expect(overallStatus([warned, passed])).toBe("pass");
    const failed = checkLimit(limit("max-p99", 5), estimate, false);
    expect(overallStatus([warned, passed, failed])).toBe("fail");
  });

  it("estimates per-process values with an interval that narrows with more processes", () => {
    const few = perProcessEstimate([1.0, 1.1, 0.9], 0.95);
    const many = perProcessEstimate([1.0, 1.1, 0.9, 1.0, 1.1, 0.9, 1.0, 1.1, 0.9], 0.95);
    const width = (interval: [number, number] | null) => (interval ? interval[1] - interval[0] : 0);
    expect(few.value).toBeCloseTo(0.997, 2);
    expect(width(many.interval)).toBeLessThan(width(few.interval));
    expect(perProcessEstimate([1], 0.95).interval).toBeNull();
  });
});
