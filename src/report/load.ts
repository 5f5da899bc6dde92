/**
 * Reads what reports show from the registry: a build, its latest stored benchmark with every
 * raw sample, and its latest stored profile's time per op type. Nothing is measured here.
 */
import { headlineOf } from "../build/history.js";
import { UsageError } from "../errors.js";
import { profileKind } from "../registry/benchmarks.js";
import type { BenchmarkRecord, BuildRecord, JsonObject } from "../registry/records.js";
import type { Registry } from "../registry/registry.js";
import type { OpTypeTime, ReportBenchmark, ReportBuild, ReportPercentile } from "./types.js";

export function reportBuildOf(build: BuildRecord): ReportBuild {
  return {
    build_id: build.buildId,
    name: build.name,
    notes: build.notes,
    target: build.target,
    quantization: build.quantization,
    source: build.sourceLabel,
    created_at: build.createdAt,
  };
}

export function labelOf(build: BuildRecord | ReportBuild): string {
  return `${build.name ?? "unnamed"} (${build.target}, ${build.quantization})`;
}

function percentilesOf(summary: JsonObject): ReportPercentile[] {
  const latency = summary.latency as JsonObject | undefined;
  const stored = (latency?.percentiles ?? {}) as Record<string, JsonObject>;
  return Object.entries(stored).map(([key, estimate]) => ({
    percentile: key.replace("_", "."),
    value_ms: Number(estimate.value_ms),
    ci_low_ms: typeof estimate.ci_low_ms === "number" ? estimate.ci_low_ms : null,
    ci_high_ms: typeof estimate.ci_high_ms === "number" ? estimate.ci_high_ms : null,
  }));
}

/** The profiler's op types, largest first; read structurally so any profile version renders. */
function opTypesOf(record: BenchmarkRecord | undefined): OpTypeTime[] | null {
  const opTypes = record?.summary.op_types;
  if (!Array.isArray(opTypes)) return null;
  return opTypes.flatMap((item) => {
    const value = item as JsonObject;
    if (typeof value.op_type !== "string" || typeof value.mean_ms !== "number") return [];
    return [{ op_type: value.op_type, mean_ms: value.mean_ms, share: Number(value.share ?? 0) }];
  });
}

export function benchmarkOf(
  build: BuildRecord,
  record: BenchmarkRecord,
  profile?: BenchmarkRecord,
): ReportBenchmark {
  const headline = headlineOf(record.summary);
  const samples = Array.from(record.samples);
  return {
    build: reportBuildOf(build),
    benchmark_id: record.benchmarkId,
    created_at: record.createdAt,
    testbed_hash: record.testbedHash,
    runs: samples.length,
    mean_ms: headline?.mean_ms ?? samples.reduce((sum, value) => sum + value, 0) / samples.length,
    throughput_per_s: headline?.throughput_per_s ?? 0,
    model_memory_mb: headline?.model_memory_mb ?? null,
    percentiles: percentilesOf(record.summary),
    samples_ms: samples,
    op_types: opTypesOf(profile),
  };
}

/** The latest stored benchmark of a build (on `testbedHash` when given), or null. */
export async function loadBenchmark(
  registry: Registry,
  build: BuildRecord,
  testbedHash?: string,
): Promise<ReportBenchmark | null> {
  const record = await registry.benchmarks.latest(build.buildId, { testbedHash });
  if (!record) return null;
  const profile = await registry.benchmarks.latest(build.buildId, { kind: profileKind });
  return benchmarkOf(build, record, profile);
}

export async function requireBenchmark(
  registry: Registry,
  build: BuildRecord,
  reference: string,
  testbedHash?: string,
): Promise<ReportBenchmark> {
  const benchmark = await loadBenchmark(registry, build, testbedHash);
  if (benchmark) return benchmark;
  const id = build.buildId.slice(0, 12);
  throw new UsageError(
    "BENCHMARK_NONE",
    `Build ${id} ('${reference}') has no stored benchmark, so there is nothing to report`,
    { hint: `Run \`mlbuild benchmark ${id}\` first, then run the report again.` },
  );
}
