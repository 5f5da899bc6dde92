/**
 * `mlbuild profile`: where the time of a build's inference goes, from ONNX Runtime's own
 * profiler in a fresh child process, and (on request) when a fresh session is warm. The
 * options and inputs are checked before any child starts; anything that fails before the
 * insert leaves the registry as it was.
 */
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { checkArtifact, checkCount } from "../bench/preflight.js";
import { describeTestbed, type Testbed } from "../bench/testbed.js";
import { UsageError } from "../errors.js";
import type { BuildRecord, JsonObject } from "../registry/records.js";
import type { BenchmarkChildRequest, BenchmarkChildResult } from "../runtime/benchmark-child.js";
import { spawnWorker } from "../runtime/child-process.js";
import { describeInputs, type InputSignature, prepareInputs } from "../runtime/inputs.js";
import type {
  ProfileChildRequest,
  ProfileChildResult,
  ProfileProgress,
} from "../runtime/profile-child.js";
import { assertHostCanRun, formatTarget, parseTarget, type Target } from "../runtime/targets.js";
import type { InputTensor } from "../runtime/tensor-types.js";
import type { Workspace } from "../workspace.js";
import { aggregateProfile } from "./aggregate.js";
import { type ProfileSummary, profileMethod, profileRecord, profileSchema } from "./record.js";
import { parseTrace, traceDocument } from "./trace.js";
import { analyzeWarmupCurve, type WarmupAnalysis } from "./warmup.js";

export interface ProfileOptions {
  /** Profiled runs. @default 20 */
  runs?: number;
  /** Runs after the first inference, before profiling counts. @default 5 */
  warmup?: number;
  batch?: number;
  shapes?: readonly string[];
  inputsDir?: string;
  /** @default 0 */
  seed?: number;
  /** Write the runtime's trace here, for chrome://tracing or Perfetto. */
  traceFile?: string;
  /** Also measure a fresh session's first `warmupRuns` runs. @default false */
  analyzeWarmup?: boolean;
  /** @default 50 */
  warmupRuns?: number;
  /** Kill each child after this long. @default 600 */
  timeoutSeconds?: number;
  /** @default true */
  store?: boolean;
  onProgress?: (progress: ProfileProgress) => void;
}

export interface ProfileResult {
  schema: typeof profileSchema;
  profile_id: string;
  build_id: string;
  created_at: string;
  target: string;
  stored: boolean;
  trace_file: string | null;
  testbed: Testbed;
  config: JsonObject;
  summary: ProfileSummary;
}

function checkTraceFile(file: string | undefined): void {
  if (file === undefined) return;
  const folder = path.dirname(path.resolve(file));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UsageError(
      "TRACE_FOLDER_MISSING",
      `Cannot write --trace ${file}: ${folder} is not a folder`,
      {
        hint: "Create the folder first, or pass a path in an existing one.",
      },
    );
  }
}

/** A fresh session's first runs, timed without the profiler by the benchmark child. */
async function measureWarmup(
  request: { modelPath: string; target: Target; inputs: InputTensor[] },
  runs: number,
  timeoutMs: number,
): Promise<WarmupAnalysis> {
  const child = await spawnWorker<BenchmarkChildRequest, BenchmarkChildResult>(
    "benchmark-child",
    // The curve: the first inference, the child's warm-up runs, and its one measured run.
    { ...request, warmup: runs - 2, maxRuns: 1, minimumRuns: 1, concurrency: 1 },
    { timeoutMs, nodeFlags: ["--expose-gc"] },
  );
  const curve = [child.firstInferenceMs, ...child.warmupSamples, ...child.samples];
  return analyzeWarmupCurve(curve, child);
}

export async function runProfile(
  workspace: Workspace,
  build: BuildRecord,
  options: ProfileOptions = {},
): Promise<ProfileResult> {
  checkCount("--runs", options.runs, 1);
  checkCount("--warmup", options.warmup, 0);
  checkCount("--warmup-runs", options.warmupRuns, 10);
  checkTraceFile(options.traceFile);
  const target = parseTarget(build.target);
  assertHostCanRun(target);
  const signatures = (build.summary.inputs ?? []) as unknown as InputSignature[];
  const inputs = await prepareInputs(signatures, options);
  await checkArtifact(workspace, build);

  const timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
  const modelPath = workspace.store.pathOf(build.artifactHash);
  const runs = options.runs ?? 20;
  const warmup = options.warmup ?? 5;
  const directory = await mkdtemp(path.join(os.tmpdir(), "mlbuild-profile-"));
  let child: ProfileChildResult;
  let traceText: string;
  try {
    child = await spawnWorker<ProfileChildRequest, ProfileChildResult, ProfileProgress>(
      "profile-child",
      { modelPath, target, inputs, warmup, runs, directory },
      { timeoutMs, onProgress: options.onProgress },
    );
    traceText = await readFile(child.tracePath, "utf8");
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  const events = parseTrace(traceText);
  const breakdown = aggregateProfile(events, Array.from(child.latenciesMs));

  const warmupAnalysis = options.analyzeWarmup
    ? await measureWarmup({ modelPath, target, inputs }, options.warmupRuns ?? 50, timeoutMs)
    : null;

  const createdAt = new Date().toISOString();
  const testbed = describeTestbed(target);
  const config: JsonObject = {
    runs,
    warmup,
    batch: options.batch ?? null,
    seed: options.seed ?? 0,
    inputs: describeInputs(inputs),
    inputs_dir: options.inputsDir ?? null,
    warmup_runs: options.analyzeWarmup ? (options.warmupRuns ?? 50) : null,
  };
  const summary: ProfileSummary = {
    schema: profileSchema,
    runs,
    warmup,
    session_creation_ms: child.sessionCreationMs,
    first_inference_ms: child.firstInferenceMs,
    accounting: breakdown.accounting,
    op_types: breakdown.op_types,
    nodes: breakdown.nodes,
    warmup_analysis: warmupAnalysis,
    method: profileMethod,
  };

  if (options.traceFile) {
    const document = traceDocument(events, `mlbuild profile ${build.buildId.slice(0, 12)}`, {
      build_id: build.buildId,
      target: formatTarget(target),
      created_at: createdAt,
    });
    await writeFile(options.traceFile, JSON.stringify(document));
  }

  const record = profileRecord({
    buildId: build.buildId,
    createdAt,
    testbed,
    config,
    summary,
    latenciesMs: child.latenciesMs,
    warmupCurveMs: Float64Array.from(warmupAnalysis?.curve_ms ?? []),
  });
  const store = options.store ?? true;
  if (store) {
    await workspace.registry.transaction((tx) => workspace.registry.benchmarks.insert(record, tx));
  }

  return {
    schema: profileSchema,
    profile_id: record.benchmarkId,
    build_id: build.buildId,
    created_at: createdAt,
    target: formatTarget(target),
    stored: store,
    trace_file: options.traceFile ? path.resolve(options.traceFile) : null,
    testbed,
    config,
    summary,
  };
}
