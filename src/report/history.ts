/**
 * A metric's trend over builds: the builds a tag pointed at, in the order it moved, or the
 * builds sharing a name, oldest first. Each build contributes the figure of its latest stored
 * benchmark; change points come from PELT (src/stats/change-points.ts).
 */
import { headlineOf } from "../build/history.js";
import { UsageError } from "../errors.js";
import { type CompareMetricName, compareMetricNames } from "../gates/metrics.js";
import type { BuildRecord } from "../registry/records.js";
import type { Registry } from "../registry/registry.js";
import { detectChangePoints } from "../stats/change-points.js";
import type { HistoryPoint, MetricHistory } from "./types.js";

/** A history follows any metric `compare` can gate on. */
export const historyMetrics = compareMetricNames;
export type HistoryMetric = CompareMetricName;

const units: Record<HistoryMetric, string> = {
  p50: "ms",
  p95: "ms",
  p99: "ms",
  mean: "ms",
  throughput: "inferences/s",
  memory: "MB",
  size: "MB",
};

const headlineKeys: Record<Exclude<HistoryMetric, "size">, string> = {
  p50: "p50_ms",
  p95: "p95_ms",
  p99: "p99_ms",
  mean: "mean_ms",
  throughput: "throughput_per_s",
  memory: "model_memory_mb",
};

export const changePointMethod =
  "PELT (Killick, Fearnhead & Eckley 2012) on the log of the metric, penalty 4·ln(n)";

interface SeriesMember {
  build: BuildRecord;
  at: string;
}

async function tagSeries(registry: Registry, tag: string): Promise<SeriesMember[]> {
  const moves = await registry.tags.history(tag);
  const members: SeriesMember[] = [];
  for (const move of moves) {
    if (!move.buildId || members.at(-1)?.build.buildId === move.buildId) continue;
    const build = await registry.builds.get(move.buildId);
    if (build) members.push({ build, at: move.movedAt });
  }
  return members;
}

async function nameSeries(registry: Registry, build: BuildRecord): Promise<SeriesMember[]> {
  const all = await registry.builds.list();
  const sameName = (other: BuildRecord) =>
    build.name ? other.name === build.name : other.sourceLabel === build.sourceLabel;
  return all
    .filter((other) => sameName(other) && other.target === build.target)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((other) => ({ build: other, at: other.createdAt }));
}

function metricValueOf(
  metric: HistoryMetric,
  build: BuildRecord,
  summary: Parameters<typeof headlineOf>[0],
): number | null {
  if (metric === "size") return build.artifactSize / (1024 * 1024);
  const headline = headlineOf(summary) as unknown as Record<string, unknown> | null;
  const value = headline?.[headlineKeys[metric]];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Indices (into the points) where a new level begins. */
function changePointsOf(points: readonly HistoryPoint[]): Set<number> {
  const measured = points.flatMap((point, index) =>
    point.value !== null && point.value > 0 ? [{ index, value: Math.log(point.value) }] : [],
  );
  const found = detectChangePoints(measured.map((point) => point.value));
  return new Set(found.map((position) => measured[position].index));
}

export async function metricHistory(
  registry: Registry,
  reference: string,
  metric: HistoryMetric,
): Promise<MetricHistory> {
  const tag = await registry.tags.get(reference);
  const tagMoves = tag ? [] : await registry.tags.history(reference);
  const isTag = tag !== undefined || tagMoves.length > 0;
  const members = isTag
    ? await tagSeries(registry, reference)
    : await nameSeries(registry, await registry.resolve(reference));
  if (members.length === 0) {
    throw new UsageError("HISTORY_EMPTY", `Tag '${reference}' never pointed at a known build`, {
      hint: "Run `mlbuild tag show NAME` to see its moves, or `mlbuild pull NAME` first.",
    });
  }

  const summaries = await registry.benchmarks.latestSummaries(
    members.map((member) => member.build.buildId),
  );
  const points: HistoryPoint[] = members.map((member) => ({
    build_id: member.build.buildId,
    name: member.build.name,
    at: member.at,
    value: metricValueOf(metric, member.build, summaries.get(member.build.buildId)),
    change_point: false,
  }));
  const changes = changePointsOf(points);
  for (const index of changes) points[index].change_point = true;

  const subjectBuild = members.at(-1)?.build;
  return {
    kind: isTag ? "tag" : "name",
    subject: isTag ? reference : (subjectBuild?.name ?? subjectBuild?.sourceLabel ?? reference),
    metric,
    unit: units[metric],
    points,
    change_points: points.filter((point) => point.change_point).map((point) => point.build_id),
    method: changePointMethod,
  };
}
