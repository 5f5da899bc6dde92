import type { BenchmarkHeadline } from "../bench/record.js";
import type { BuildRecord, JsonObject } from "../registry/records.js";
import type { Registry } from "../registry/registry.js";
import { headlineOf } from "./history.js";

/** A tracked run this build is attached to (`mlbuild run attach-build`). */
export interface AttachedRun {
  run_id: string;
  experiment: string;
  name: string | null;
  status: string;
  attached_at: string;
}

/** Everything `show` prints about one build. */
export interface BuildDetails {
  build_id: string;
  name: string | null;
  notes: string | null;
  created_at: string;
  source: string;
  model_hash: string;
  target: string;
  quantization: string;
  config: JsonObject;
  toolchain: JsonObject;
  artifact: { hash: string; size_bytes: number; location: string };
  summary: JsonObject;
  accuracy: JsonObject | null;
  tags: string[];
  latest_benchmark: BenchmarkHeadline | null;
  benchmark_count: number;
  runs: AttachedRun[];
}

export async function describeBuild(registry: Registry, build: BuildRecord): Promise<BuildDetails> {
  const [tags, benchmarks, runs] = await Promise.all([
    registry.tags.forBuild(build.buildId),
    registry.benchmarks.forBuild(build.buildId),
    registry.runs.forBuild(build.buildId),
  ]);
  return {
    build_id: build.buildId,
    name: build.name,
    notes: build.notes,
    created_at: build.createdAt,
    source: build.sourceLabel,
    model_hash: build.sourceHash,
    target: build.target,
    quantization: build.quantization,
    config: build.config,
    toolchain: build.toolchain,
    artifact: {
      hash: build.artifactHash,
      size_bytes: build.artifactSize,
      location: build.artifactLocation,
    },
    summary: build.summary,
    accuracy: build.accuracy,
    tags,
    latest_benchmark: headlineOf(benchmarks[0]?.summary),
    benchmark_count: benchmarks.length,
    runs: runs.map((run) => ({
      run_id: run.runId,
      experiment: run.experimentName,
      name: run.name,
      status: run.status,
      attached_at: run.attachedAt,
    })),
  };
}
