/**
 * The reports `mlbuild report` makes from what is stored: one build's benchmark, or a baseline
 * against a candidate decided from their stored benchmarks. Nothing is measured here; a build
 * without a stored benchmark is bad input (exit 2) with the command that would make one.
 */
import type { CompareMetricName } from "../gates/metrics.js";
import type { Workspace } from "../workspace.js";
import { type HistoryMetric, metricHistory } from "./history.js";
import { labelOf, reportBuildOf, requireBenchmark } from "./load.js";
import { type Report, type ReportEntry, reportSchema } from "./types.js";

export interface ComparisonOptions {
  metric: CompareMetricName;
  thresholdPct: number;
  allowTestbedMismatch?: boolean;
}

export function newReport(title: string, entries: ReportEntry[], exitCode: number): Report {
  return {
    schema: reportSchema,
    title,
    generated_at: new Date().toISOString(),
    entries,
    exit_code: exitCode,
    warnings: [],
  };
}

/** A full build ID reads as its first 12 characters, as everywhere else. */
function shortReference(reference: string): string {
  return /^[0-9a-f]{64}$/.test(reference) ? reference.slice(0, 12) : reference;
}

export async function buildReport(
  workspace: Workspace,
  reference: string,
  metric: HistoryMetric = "p50",
): Promise<Report> {
  const { registry } = workspace;
  const build = await registry.resolve(reference);
  const benchmark = await requireBenchmark(registry, build, reference);
  const history = await metricHistory(registry, reference, metric);
  const entry: ReportEntry = {
    label: labelOf(build),
    candidate: reportBuildOf(build),
    candidate_benchmark: benchmark,
    baseline: null,
    baseline_benchmark: null,
    validation: null,
    comparison: null,
    compare_metric: null,
    history,
    error: null,
  };
  return newReport(`Benchmark of ${shortReference(reference)}`, [entry], 0);
}

export async function comparisonReport(
  workspace: Workspace,
  baselineRef: string,
  candidateRef: string,
  options: ComparisonOptions,
): Promise<Report> {
  const { registry } = workspace;
  const baseline = await registry.resolve(baselineRef);
  const candidate = await registry.resolve(candidateRef);
  const candidateBenchmark = await requireBenchmark(registry, candidate, candidateRef);
  const baselineBenchmark = await requireBenchmark(registry, baseline, baselineRef);

  const { compareBuilds } = await import("../gates/compare.js");
  const comparison = await compareBuilds(workspace, {
    baselineRef,
    candidateRef,
    metric: options.metric,
    thresholdPct: options.thresholdPct,
    budgetSeconds: 0,
    useCached: true,
    allowTestbedMismatch: options.allowTestbedMismatch,
  });
  const history = await metricHistory(registry, baselineRef, options.metric);
  const entry: ReportEntry = {
    label: labelOf(candidate),
    candidate: reportBuildOf(candidate),
    candidate_benchmark: candidateBenchmark,
    baseline: reportBuildOf(baseline),
    baseline_benchmark: baselineBenchmark,
    validation: null,
    comparison,
    compare_metric: options.metric,
    history,
    error: null,
  };
  const title = `${shortReference(baselineRef)} vs ${shortReference(candidateRef)}`;
  return newReport(title, [entry], comparison.exit_code);
}
