/**
 * One benchmark of a build: check the options and inputs, measure in a fresh child process,
 * summarise, and store the record with every sample in one statement. Anything that fails
 * before the insert leaves the registry as it was.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import type { BuildRecord, JsonObject } from "../registry/records.js";
import type {
  BenchmarkChildRequest,
  BenchmarkChildResult,
  BenchmarkProgress,
} from "../runtime/benchmark-child.js";
import { spawnWorker } from "../runtime/child-process.js";
import { describeInputs, type InputSignature, prepareInputs } from "../runtime/inputs.js";
import { assertHostCanRun, formatTarget, parseTarget, type Target } from "../runtime/targets.js";
import type { InputTensor } from "../runtime/tensor-types.js";
import { minimumSamplesFor } from "../stats/percentile-ci.js";
import type { Workspace } from "../workspace.js";
import { checkArtifact, checkCount } from "./preflight.js";
import { type BenchmarkSummary, benchmarkRecord, benchmarkSchema, buildSummary } from "./record.js";
import { gateConfidence } from "./summary.js";
import { describeTestbed, type Testbed } from "./testbed.js";

export interface BenchmarkOptions {
  /** Steady-state runs; with `durationSeconds` alone, unlimited. @default 100 */
  runs?: number;
  /** @default 20 */
  warmup?: number;
  durationSeconds?: number;
  batch?: number;
  shapes?: readonly string[];
  inputsDir?: string;
  /** Runs kept in flight at once. @default 1 */
  concurrency?: number;
  /** Overrides the target's intra-op threads. */
  threads?: number;
  /** Kill the child after this long. @default 600 */
  timeoutSeconds?: number;
  /** Seed of the random inputs. @default 0 */
  seed?: number;
  /** Percentiles the caller gates on: the run never stops before they have enough samples. */
  gatePercentiles?: readonly number[];
  /** Which command measured it: `benchmark`, `validate` or `compare`. @default "benchmark" */
  kind?: string;
  /** Store the record in the registry. @default true */
  store?: boolean;
  onProgress?: (progress: BenchmarkProgress) => void;
}

export interface BenchmarkResult {
  schema: typeof benchmarkSchema;
  benchmark_id: string;
  build_id: string;
  created_at: string;
  kind: string;
  target: string;
  stored: boolean;
  testbed: Testbed;
  config: JsonObject;
  summary: BenchmarkSummary;
  /** Every steady-state latency in ms, in run order (not part of the JSON document). */
  samples: Float64Array;
  warmupSamples: Float64Array;
}

/** Samples the gated percentiles need: MLPerf LoadGen's one-sided binomial rule at 99%. */
export function minimumRunsFor(percentiles: readonly number[]): number {
  return Math.max(1, ...percentiles.map((p) => minimumSamplesFor(p / 100, gateConfidence)));
}

/**
 * The target as benchmarked. With several lanes on onnxruntime-node, each session gets one
 * intra-op thread unless `--threads` or the target says otherwise: C lanes with a pool of all
 * cores each would fight over the cores rather than serve C requests.
 */
function benchmarkTarget(build: BuildRecord, threads: number | undefined, concurrency: number) {
  const target = parseTarget(build.target);
  assertHostCanRun(target);
  if (threads === undefined) {
    const perLane = target.runtime === "onnxruntime-node" && concurrency > 1;
    if (!perLane || target.settings.threads !== undefined) return target;
    return { ...target, settings: { ...target.settings, threads: 1 } };
  }
  if (target.runtime === "onnxruntime-web" && threads !== 1) {
    throw new UsageError("THREADS_UNSUPPORTED", `Target ${build.target} runs one thread here`, {
      hint: "Drop --threads for wasm builds, or benchmark a cpu build.",
    });
  }
  return { ...target, settings: { ...target.settings, threads } };
}

/** The batch for samples/s: --batch, else the first dim of the first batched input. */
function batchOf(
  inputs: readonly InputTensor[],
  signatures: readonly InputSignature[],
  batch?: number,
) {
  if (batch !== undefined) return batch;
  const batched = signatures.findIndex((signature) => typeof signature.shape?.[0] === "string");
  return batched >= 0 ? (inputs[batched].shape[0] ?? 1) : 1;
}

export async function runBenchmark(
  workspace: Workspace,
  build: BuildRecord,
  options: BenchmarkOptions = {},
): Promise<BenchmarkResult> {
  checkCount("--runs", options.runs, 1);
  checkCount("--warmup", options.warmup, 0);
  checkCount("--concurrency", options.concurrency, 1);
  checkCount("--batch", options.batch, 1);
  const target: Target = benchmarkTarget(build, options.threads, options.concurrency ?? 1);
  const signatures = (build.summary.inputs ?? []) as unknown as InputSignature[];
  const inputs = await prepareInputs(signatures, options);
  await checkArtifact(workspace, build);

  const minimumRuns = minimumRunsFor(options.gatePercentiles ?? [50]);
  const durationMs =
    options.durationSeconds === undefined ? undefined : options.durationSeconds * 1000;
  const requestedRuns = options.runs ?? (durationMs === undefined ? 100 : Number.POSITIVE_INFINITY);
  const request: BenchmarkChildRequest = {
    modelPath: workspace.store.pathOf(build.artifactHash),
    target,
    inputs,
    warmup: options.warmup ?? 20,
    maxRuns: Math.max(requestedRuns, minimumRuns),
    minimumRuns,
    durationMs,
    concurrency: options.concurrency ?? 1,
  };
  const config: JsonObject = {
    runs: Number.isFinite(requestedRuns) ? requestedRuns : null,
    minimum_runs: minimumRuns,
    warmup: request.warmup,
    duration_s: options.durationSeconds ?? null,
    concurrency: request.concurrency,
    // Intra-op threads of each session (one session per lane).
    threads: target.settings.threads ?? null,
    sessions: request.concurrency,
    batch: options.batch ?? null,
    seed: options.seed ?? 0,
    inputs: describeInputs(inputs),
    inputs_dir: options.inputsDir ?? null,
  };

  const testbed = describeTestbed(target);
  const spawnedAt = performance.now();
  const child = await spawnWorker<BenchmarkChildRequest, BenchmarkChildResult, BenchmarkProgress>(
    "benchmark-child",
    request,
    {
      timeoutMs: (options.timeoutSeconds ?? 600) * 1000,
      onProgress: options.onProgress,
      nodeFlags: ["--expose-gc"],
    },
  );
  const wallMs = performance.now() - spawnedAt;

  const createdAt = new Date().toISOString();
  const summary = buildSummary(child, {
    batch: batchOf(inputs, signatures, options.batch),
    concurrency: request.concurrency,
    testbedHash: testbed.testbed_hash,
    createdAt,
    wallMs,
    percentilesShown: [50, 95, 99],
  });
  const kind = options.kind ?? "benchmark";
  const record = benchmarkRecord({
    buildId: build.buildId,
    kind,
    createdAt,
    testbed,
    config,
    summary,
    child,
  });
  const store = options.store ?? true;
  if (store) {
    await workspace.registry.transaction((tx) => workspace.registry.benchmarks.insert(record, tx));
  }

  return {
    schema: benchmarkSchema,
    benchmark_id: record.benchmarkId,
    build_id: build.buildId,
    created_at: createdAt,
    kind,
    target: formatTarget(target),
    stored: store,
    testbed,
    config,
    summary,
    samples: child.samples,
    warmupSamples: child.warmupSamples,
  };
}
