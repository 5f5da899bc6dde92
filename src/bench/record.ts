/**
 * Turns a child's measurements into the stored benchmark: the summary JSON (with the `headline`
 * that `log` and `show` read) and the registry record holding every sample.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { BenchmarkRecord, JsonObject } from "../registry/records.js";
import type { BenchmarkChildResult } from "../runtime/benchmark-child.js";
import {
  type DriftSummary,
  type LatencySummary,
  type MemorySummary,
  type OutlierSummary,
  summarizeDrift,
  summarizeLatency,
  summarizeMemory,
  summarizeOutliers,
  summarizeWarmup,
  type WarmupSummary,
} from "./summary.js";
import { type Testbed, testbedJson } from "./testbed.js";
import { benchmarkWarnings } from "./warnings.js";

/** Version of the `--json` document and of the stored summary. */
export const benchmarkSchema = "mlbuild.benchmark/v1";

/**
 * The few figures of a benchmark that `log` and `show` print. Every stored benchmark summary
 * carries them under `headline`, whatever else it holds.
 */
export interface BenchmarkHeadline {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  mean_ms: number;
  throughput_per_s: number;
  model_memory_mb: number | null;
  runs: number;
  testbed_hash: string;
  created_at: string;
}

export interface BenchmarkSummary {
  schema: typeof benchmarkSchema;
  headline: BenchmarkHeadline;
  latency: LatencySummary;
  outliers: OutlierSummary;
  drift: DriftSummary | null;
  warmup: WarmupSummary;
  cold_start_ms: {
    process_start: number;
    runtime_load: number;
    session_creation: number;
    first_inference: number;
  };
  throughput: {
    inferences_per_s: number;
    samples_per_s: number;
    batch: number;
    concurrency: number;
    method: string;
  };
  memory: MemorySummary;
  /** With `--concurrency C > 1`: the C lanes (worker threads, one session each). */
  lanes: LanesSummary | null;
  stopped_by: "runs" | "duration";
  /** Wall time of the whole benchmark beyond the steady-state samples. */
  overhead_ms: number;
  warnings: string[];
}

export interface LanesSummary {
  method: string;
  /** Steady-state time with two runs or more executing at once, and its share of the window. */
  overlap_ms: number;
  overlap_fraction: number;
  lanes: Array<{
    lane: number;
    thread_id: number;
    runs: number;
    session_creation_ms: number;
    first_inference_ms: number;
    /** First submission and last completion, ms from the start of the steady state. */
    first_start_ms: number;
    last_end_ms: number;
  }>;
}

function summarizeLanes(child: BenchmarkChildResult): LanesSummary | null {
  if (!child.lanes) return null;
  return {
    method: "one worker thread and one session per lane; a run is timed in its lane",
    overlap_ms: child.lanes.overlapMs,
    overlap_fraction: child.steadyStateMs > 0 ? child.lanes.overlapMs / child.steadyStateMs : 0,
    lanes: child.lanes.lanes.map((lane) => ({
      lane: lane.lane,
      thread_id: lane.threadId,
      runs: lane.runs,
      session_creation_ms: lane.sessionCreationMs,
      first_inference_ms: lane.firstInferenceMs,
      first_start_ms: lane.firstStartMs,
      last_end_ms: lane.lastEndMs,
    })),
  };
}

export interface SummaryContext {
  batch: number;
  concurrency: number;
  testbedHash: string;
  createdAt: string;
  /** Wall time of the child process, from spawn to answer. */
  wallMs: number;
  percentilesShown: readonly number[];
}

export function buildSummary(
  child: BenchmarkChildResult,
  context: SummaryContext,
): BenchmarkSummary {
  const samples = Array.from(child.samples);
  const latency = summarizeLatency(samples);
  const outliers = summarizeOutliers(samples);
  const drift = summarizeDrift(samples);
  const memory = summarizeMemory(child.memory);
  const inferencesPerSecond = (samples.length / child.steadyStateMs) * 1000;
  const warnings = benchmarkWarnings({
    samples,
    latency,
    outliers,
    drift,
    warmupCount: child.warmupSamples.length,
    percentilesShown: context.percentilesShown,
  });

  return {
    schema: benchmarkSchema,
    headline: {
      p50_ms: latency.percentiles.p50.value_ms,
      p95_ms: latency.percentiles.p95.value_ms,
      p99_ms: latency.percentiles.p99.value_ms,
      mean_ms: latency.mean_ms,
      throughput_per_s: inferencesPerSecond,
      model_memory_mb: memory.model_mb,
      runs: samples.length,
      testbed_hash: context.testbedHash,
      created_at: context.createdAt,
    },
    latency,
    outliers,
    drift,
    warmup: summarizeWarmup(Array.from(child.warmupSamples)),
    cold_start_ms: {
      process_start: child.processStartMs,
      runtime_load: child.runtimeLoadMs,
      session_creation: child.sessionCreationMs,
      first_inference: child.firstInferenceMs,
    },
    throughput: {
      inferences_per_s: inferencesPerSecond,
      samples_per_s: inferencesPerSecond * context.batch,
      batch: context.batch,
      concurrency: context.concurrency,
      method:
        "completed steady-state runs / steady-state wall time (go signal to last " +
        "completion); samples = runs × batch",
    },
    memory,
    lanes: summarizeLanes(child),
    stopped_by: child.stoppedBy,
    overhead_ms: Math.max(0, context.wallMs - child.steadyStateMs),
    warnings,
  };
}

export interface RecordParts {
  buildId: string;
  kind: string;
  createdAt: string;
  testbed: Testbed;
  config: JsonObject;
  summary: BenchmarkSummary;
  child: BenchmarkChildResult;
}

/** The registry record; its ID hashes what was measured, when, where and the samples. */
export function benchmarkRecord(parts: RecordParts): BenchmarkRecord {
  const hash = createHash("sha256");
  hash.update(
    canonicalize({
      build: parts.buildId,
      created: parts.createdAt,
      testbed: parts.testbed.testbed_hash,
      config: parts.config,
    }) ?? "",
  );
  hash.update(new Uint8Array(parts.child.samples.buffer));
  return {
    benchmarkId: hash.digest("hex"),
    buildId: parts.buildId,
    createdAt: parts.createdAt,
    kind: parts.kind,
    testbedHash: parts.testbed.testbed_hash,
    testbed: testbedJson(parts.testbed),
    config: parts.config,
    summary: parts.summary as unknown as JsonObject,
    samples: parts.child.samples,
    warmupSamples: parts.child.warmupSamples,
  };
}
