import { describe, expect, it } from "vitest";
import { MlbuildError } from "../errors.js";
import { mergeLimits, parseLimitsFile } from "./limits.js";

function errorOf(run: () => unknown): MlbuildError {
  try {
    run();
  } catch (error) {
    if (error instanceof MlbuildError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("limits files", () => {
  it("reads YAML with plain numbers and severities", () => {
    const limits = parseLimitsFile(
      "limits:\n  max-p95: 10\n  max-memory: { value: 200, severity: warn }\n",
      "mlbuild.yaml",
    );
    expect(limits.map((limit) => [limit.gate.gate, limit.value, limit.severity])).toEqual([
      ["max-p95", 10, "error"],
      ["max-memory", 200, "warn"],
    ]);
  });

  it("reads JSON, which is YAML too", () => {
    const limits = parseLimitsFile('{"limits": {"min-throughput": 500}}', "limits.json");
    expect(limits[0].gate.kind).toBe("min");
    expect(limits[0].gate.metric).toBe("throughput");
  });

  it("names the path of a bad value within the file", () => {
    const error = errorOf(() =>
      parseLimitsFile("limits:\n  max-p95: { value: 10, severity: fatal }\n", "ci.yaml"),
    );
    expect(error.code).toBe("LIMITS_FILE_INVALID");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain("ci.yaml: limits.max-p95.severity");
  });

  it("rejects unknown gates, negative limits and broken syntax", () => {
    expect(errorOf(() => parseLimitsFile("limits:\n  max-p42: 1\n", "f")).message).toContain(
      "limits",
    );
    expect(errorOf(() => parseLimitsFile("limits:\n  max-p95: -1\n", "f")).message).toContain(
      "limits.max-p95",
    );
    expect(errorOf(() => parseLimitsFile("limits: [\n", "f")).code).toBe("LIMITS_FILE_INVALID");
    expect(errorOf(() => parseLimitsFile("{}", "f")).message).toContain("limits");
  });

  it("lets flags override the file's value and keep its severity", () => {
    const fromFile = parseLimitsFile("limits:\n  max-p95: { value: 10, severity: warn }\n", "f");
    const merged = mergeLimits(fromFile, { "max-p95": 5, "max-size": 20 });
    expect(merged.map((limit) => [limit.gate.gate, limit.value, limit.severity])).toEqual([
      ["max-p95", 5, "warn"],
      ["max-size", 20, "error"],
    ]);
  });
});
