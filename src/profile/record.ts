/**
 * The stored profile: a benchmark record of kind `profile` whose summary holds the time per
 * node and per op type (reports render `op_types`), and whose samples are the profiled runs.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Testbed } from "../bench/testbed.js";
import { testbedJson } from "../bench/testbed.js";
import { profileKind } from "../registry/benchmarks.js";
import type { BenchmarkRecord, JsonObject } from "../registry/records.js";
import type { NodeTime, OpTypeTime, ProfileAccounting } from "./aggregate.js";
import type { WarmupAnalysis } from "./warmup.js";

export const profileSchema = "mlbuild.profile/v1";

export interface ProfileSummary {
  schema: typeof profileSchema;
  runs: number;
  warmup: number;
  session_creation_ms: number;
  first_inference_ms: number;
  accounting: ProfileAccounting;
  /** Time per op type, largest first; shares are of the measured latency. */
  op_types: OpTypeTime[];
  /** Every node that ran, largest first. */
  nodes: NodeTime[];
  warmup_analysis: WarmupAnalysis | null;
  method: string;
}

export const profileMethod =
  "ONNX Runtime's profiler (enableProfiling): per-node kernel times of the timed runs, " +
  "averaged per inference; shares are of the latency timed around session.run";

export interface ProfileRecordParts {
  buildId: string;
  createdAt: string;
  testbed: Testbed;
  config: JsonObject;
  summary: ProfileSummary;
  latenciesMs: Float64Array;
  warmupCurveMs: Float64Array;
}

export function profileRecord(parts: ProfileRecordParts): BenchmarkRecord {
  const hash = createHash("sha256");
  hash.update(
    canonicalize({
      kind: profileKind,
      build: parts.buildId,
      created: parts.createdAt,
      testbed: parts.testbed.testbed_hash,
      config: parts.config,
    }) ?? "",
  );
  hash.update(new Uint8Array(parts.latenciesMs.buffer));
  return {
    benchmarkId: hash.digest("hex"),
    buildId: parts.buildId,
    createdAt: parts.createdAt,
    kind: profileKind,
    testbedHash: parts.testbed.testbed_hash,
    testbed: testbedJson(parts.testbed),
    config: parts.config,
    summary: parts.summary as unknown as JsonObject,
    samples: parts.latenciesMs,
    warmupSamples: parts.warmupCurveMs,
  };
}

/** A stored profile's summary, or null when the record is not one. */
export function profileSummaryOf(record: BenchmarkRecord): ProfileSummary | null {
  if (record.kind !== profileKind || record.summary.schema !== profileSchema) return null;
  return record.summary as unknown as ProfileSummary;
}
