/**
 * Flattens a report into one row per gate: every limit checked and the comparison of each
 * entry. Markdown draws the rows as a table, JUnit as test cases, `ci` as annotations.
 */
import type { LimitCheck, MetricComparison } from "../gates/types.js";
import type { GateRow, Report, ReportEntry } from "./types.js";

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "-";
  if (Math.abs(value) >= 100) return value.toFixed(1);
  if (Math.abs(value) >= 10) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return "?";
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)}%`;
}

function withUnit(value: string, unit: string): string {
  return unit ? `${value} ${unit}` : value;
}

function limitRow(entry: ReportEntry, check: LimitCheck): GateRow {
  const failed = check.status === "fail";
  const verdict = failed && check.severity === "warn" ? "warn" : check.status;
  return {
    entry: entry.label,
    gate: check.gate,
    metric: check.metric,
    requirement: withUnit(`${check.kind === "max" ? "≤" : "≥"} ${check.limit}`, check.unit),
    value: withUnit(formatNumber(check.estimate), check.estimate === null ? "" : check.unit),
    interval: check.interval
      ? `[${formatNumber(check.interval[0])}, ${formatNumber(check.interval[1])}]`
      : "-",
    verdict,
    failing: failed && check.severity === "error",
    message: check.message,
  };
}

function comparisonRow(entry: ReportEntry, comparison: MetricComparison): GateRow {
  const [lower, upper] = comparison.interval_pct;
  return {
    entry: entry.label,
    gate: `compare ${comparison.metric}`,
    metric: comparison.metric,
    requirement: `< +${comparison.threshold_pct}% vs baseline`,
    value:
      `${formatNumber(comparison.baseline)} → ${formatNumber(comparison.candidate)} ` +
      `${comparison.unit} (${formatPercent(comparison.change_pct)})`,
    interval:
      comparison.confidence === 1 ? "exact" : `[${formatPercent(lower)}, ${formatPercent(upper)}]`,
    verdict: comparison.verdict,
    failing: comparison.verdict === "regression",
    message:
      `${comparison.verdict}: ${formatPercent(comparison.change_pct)} ` + `(${comparison.method})`,
  };
}

function entryRows(entry: ReportEntry): GateRow[] {
  if (entry.error) {
    return [
      {
        entry: entry.label,
        gate: "build",
        metric: "-",
        requirement: "builds and runs",
        value: "-",
        interval: "-",
        verdict: "error",
        failing: true,
        message: entry.error.message,
      },
    ];
  }
  const rows = (entry.validation?.checks ?? []).map((check) => limitRow(entry, check));
  const comparison = entry.comparison;
  if (comparison && "status" in comparison) {
    rows.push({
      entry: entry.label,
      gate: "compare",
      metric: "-",
      requirement: "a baseline",
      value: "-",
      interval: "-",
      verdict: "skipped",
      failing: false,
      message: comparison.message,
    });
  } else if (comparison) {
    // Only the gated metric decides; the other metrics are context for the HTML report.
    const chosen = comparison.metrics.find((metric) => metric.metric === entry.compare_metric);
    if (chosen) rows.push(comparisonRow(entry, chosen));
  }
  return rows;
}

export function gateRows(report: Report): GateRow[] {
  return report.entries.flatMap(entryRows);
}

/** Percentile rows of a report that has no gates: what `report REF` shows for one benchmark. */
export function percentileRows(entry: ReportEntry): GateRow[] {
  const benchmark = entry.candidate_benchmark;
  if (!benchmark) return [];
  return benchmark.percentiles.map((percentile) => ({
    entry: entry.label,
    gate: percentile.percentile,
    metric: percentile.percentile,
    requirement: "-",
    value: `${formatNumber(percentile.value_ms)} ms`,
    interval:
      percentile.ci_low_ms === null || percentile.ci_high_ms === null
        ? "too few samples"
        : `[${formatNumber(percentile.ci_low_ms)}, ${formatNumber(percentile.ci_high_ms)}] ms`,
    verdict: "measured",
    failing: false,
    message: `${benchmark.runs} runs`,
  }));
}

export function verdictOf(report: Report): "pass" | "fail" | "inconclusive" | "error" {
  if (report.exit_code === 0) return "pass";
  if (report.exit_code === 1) return "fail";
  if (report.exit_code === 3) return "inconclusive";
  return "error";
}
