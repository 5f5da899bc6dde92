import type { Registry } from "../registry/registry.js";
import type { ExperimentSummary, MetricRecord, RunRecord, RunStatus } from "../registry/runs.js";

/**
 * The JSON shapes `experiment list`, `run list` and `run show` print. JSON has no NaN or
 * Infinity, so a value that is not finite is written as the string "NaN", "Infinity" or
 * "-Infinity"; every finite value stays a number.
 */

export type JsonMetricValue = number | "NaN" | "Infinity" | "-Infinity";

export interface ExperimentEntry {
  experiment_id: string;
  name: string;
  created_at: string;
  run_count: number;
  last_run_at: string | null;
}

export interface RunEntry {
  run_id: string;
  experiment: string;
  experiment_id: string;
  name: string | null;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
}

export interface MetricPoint {
  value: JsonMetricValue;
  step: number;
  logged_at: string;
}

export interface AttachedBuild {
  build_id: string;
  name: string | null;
  target: string | null;
  attached_at: string;
}

export interface RunDetails extends RunEntry {
  params: Record<string, string>;
  /** Every value of each metric, by step then time. */
  metrics: Record<string, MetricPoint[]>;
  builds: AttachedBuild[];
}

export function jsonMetricValue(value: number): JsonMetricValue {
  return Number.isFinite(value) ? value : (String(value) as JsonMetricValue);
}

export function experimentEntry(experiment: ExperimentSummary): ExperimentEntry {
  return {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    created_at: experiment.createdAt,
    run_count: experiment.runCount,
    last_run_at: experiment.lastRunAt,
  };
}

export function runEntry(run: RunRecord): RunEntry {
  return {
    run_id: run.runId,
    experiment: run.experimentName,
    experiment_id: run.experimentId,
    name: run.name,
    status: run.status,
    started_at: run.startedAt,
    ended_at: run.endedAt,
  };
}

function groupMetrics(metrics: MetricRecord[]): Record<string, MetricPoint[]> {
  // A Map, then fromEntries: a key such as `__proto__` stays an ordinary key.
  const grouped = new Map<string, MetricPoint[]>();
  for (const metric of metrics) {
    const points = grouped.get(metric.key) ?? [];
    points.push({
      value: jsonMetricValue(metric.value),
      step: metric.step,
      logged_at: metric.loggedAt,
    });
    grouped.set(metric.key, points);
  }
  return Object.fromEntries(grouped);
}

export async function describeRun(registry: Registry, run: RunRecord): Promise<RunDetails> {
  const [params, metrics, links] = await Promise.all([
    registry.runs.params(run.runId),
    registry.runs.metrics(run.runId),
    registry.runs.builds(run.runId),
  ]);
  const builds: AttachedBuild[] = [];
  for (const link of links) {
    const build = await registry.builds.get(link.buildId);
    builds.push({
      build_id: link.buildId,
      name: build?.name ?? null,
      target: build?.target ?? null,
      attached_at: link.attachedAt,
    });
  }
  return {
    ...runEntry(run),
    params: Object.fromEntries(params.map((param) => [param.key, param.value])),
    metrics: groupMetrics(metrics),
    builds,
  };
}
