import type { BenchmarkHeadline } from "../bench/record.js";
import type { BuildRecord, JsonObject } from "../registry/records.js";
import type { Registry } from "../registry/registry.js";

/** One entry of `log --json`: the contract the seed's CI example relies on (`.[0].build_id`). */
export interface BuildEntry {
  build_id: string;
  name: string | null;
  target: string;
  created_at: string;
  model_hash: string;
  source: string;
  size_bytes: number;
  quantization: string;
  tags: string[];
  latest_benchmark: BenchmarkHeadline | null;
}

export function headlineOf(summary: JsonObject | undefined): BenchmarkHeadline | null {
  const headline = summary?.headline;
  return headline && typeof headline === "object"
    ? (headline as unknown as BenchmarkHeadline)
    : null;
}

export function buildEntry(
  build: BuildRecord,
  tags: string[],
  latest: JsonObject | undefined,
): BuildEntry {
  return {
    build_id: build.buildId,
    name: build.name,
    target: build.target,
    created_at: build.createdAt,
    model_hash: build.sourceHash,
    source: build.sourceLabel,
    size_bytes: build.artifactSize,
    quantization: build.quantization,
    tags,
    latest_benchmark: headlineOf(latest),
  };
}

export async function listBuildEntries(
  registry: Registry,
  options: { limit?: number } = {},
): Promise<BuildEntry[]> {
  const builds = await registry.builds.list({ limit: options.limit });
  const ids = builds.map((build) => build.buildId);
  const [tags, summaries] = await Promise.all([
    registry.tags.forBuilds(ids),
    registry.benchmarks.latestSummaries(ids),
  ]);
  return builds.map((build) =>
    buildEntry(build, tags.get(build.buildId) ?? [], summaries.get(build.buildId)),
  );
}
