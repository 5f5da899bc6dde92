import { describe, expect, it } from "vitest";
import type { LimitCheck } from "../gates/types.js";
import { renderJunit } from "./junit.js";
import { commentLimit, commentMarker, renderMarkdown } from "./markdown.js";
import type { Report, ReportEntry } from "./types.js";

function check(gate: string, status: LimitCheck["status"], severity: "error" | "warn"): LimitCheck {
  return {
    gate,
    metric: gate.replace("max-", ""),
    unit: "ms",
    kind: "max",
    limit: 10,
    severity,
    estimate: 12,
    interval: [11, 13],
    status,
    message: `${gate} is ${status}`,
  };
}

function entry(label: string, checks: LimitCheck[]): ReportEntry {
  const build = {
    build_id: "ab".repeat(32),
    name: label,
    notes: null,
    target: "cpu",
    quantization: "fp32",
    source: "m.onnx",
    created_at: "2026-01-01T00:00:00Z",
  };
  return {
    label,
    candidate: build,
    candidate_benchmark: null,
    baseline: null,
    baseline_benchmark: null,
    validation: {
      build_id: build.build_id,
      benchmark_id: null,
      checks,
      status: "fail",
      exit_code: 1,
    },
    comparison: null,
    compare_metric: null,
    history: null,
    error: null,
  };
}

function report(entries: ReportEntry[], exitCode = 1): Report {
  return {
    schema: "mlbuild.report/v1",
    title: "t",
    generated_at: "2026-01-01T00:00:00Z",
    entries,
    exit_code: exitCode,
    warnings: [],
  };
}

describe("markdown", () => {
  it("escapes names so a model cannot break the table or inject HTML", () => {
    const text = renderMarkdown(
      report([entry("a|b <script>", [check("max-p95", "pass", "error")])], 0),
    );
    expect(text).toContain("| a\\|b &lt;script&gt; | max-p95 |");
    expect(text.startsWith(commentMarker)).toBe(true);
  });

  it("stays under GitHub's limit, keeping failing rows and saying how many it left out", () => {
    const entries = Array.from({ length: 2000 }, (_, index) =>
      entry(`model-${index}`, [check("max-p95", index === 1999 ? "fail" : "pass", "error")]),
    );
    const text = renderMarkdown(report(entries));
    expect(text.length).toBeLessThanOrEqual(commentLimit);
    expect(text).toContain("| model-1999 | max-p95 |");
    expect(text).toMatch(/> \d+ more rows left out to stay under GitHub's 65536-character limit/);
  });
});

describe("junit", () => {
  const title =
    "has one test case per gate: an error limit fails, a warn limit passes with its message";
  it(title, () => {
    const xml = renderJunit(
      report([
        entry("m", [
          check("max-p95", "fail", "error"),
          check("max-p99", "fail", "warn"),
          check("max-latency", "inconclusive", "error"),
          check("max-memory", "not-measured", "error"),
        ]),
      ]),
    );
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('tests="4" failures="1" errors="1" skipped="1"');
    expect(xml).toMatch(/name="max-p95: ≤ 10 ms, got 12.00 ms \[11.00, 13.00\]"[^>]*><failure/);
    expect(xml).toMatch(/name="max-p99[^>]*><system-out>max-p99 is fail<\/system-out>/);
  });
});
