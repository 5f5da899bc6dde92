/**
 * The benchmark child process: loads ONE runtime, creates one session, and times `session.run`.
 * It runs in a fresh process (see child-process.ts) so that its memory is the model's and a
 * crash cannot take mlbuild down. The timer brackets `session.run` and nothing else.
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
import { sendProgress, serveWorker } from "./child-process.js";
import {
  createSession,
  firstLine,
  type InferenceSession,
  loadRuntime,
  type Ort,
  type OrtTensor,
} from "./session.js";
import type { Target } from "./targets.js";
import type { InputTensor } from "./tensor-types.js";

export interface BenchmarkChildRequest {
  /** The artifact's file in the object store. */
  modelPath: string;
  target: Target;
  inputs: InputTensor[];
  warmup: number;
  /** Stop after this many steady-state samples (Infinity with `--duration` alone). */
  maxRuns: number;
  /** Never stop before this many samples, whatever the duration says. */
  minimumRuns: number;
  durationMs?: number;
  concurrency: number;
}

export interface BenchmarkProgress {
  phase: "loading" | "warmup" | "measuring";
  done: number;
  /** Planned samples, or undefined when the duration decides. */
  total?: number;
}

export interface ChildMemory {
  /** How the peak was taken; the same for every target. */
  method: "getrusage-maxrss";
  /** RSS once the runtime was loaded and initialised, before the model's session. */
  baselineRssBytes: number;
  /** The process's peak RSS at the end of the run (kernel high-water mark). */
  peakRssBytes: number;
}

export interface BenchmarkChildResult {
  samples: Float64Array;
  warmupSamples: Float64Array;
  /** From process start to the request's arrival: Node.js startup and module loading. */
  processStartMs: number;
  runtimeLoadMs: number;
  sessionCreationMs: number;
  firstInferenceMs: number;
  /** Wall time of the steady-state phase, for throughput. */
  steadyStateMs: number;
  stoppedBy: "runs" | "duration";
  memory: ChildMemory;
}

/**
 * A one-node Identity model (opset 17), run once before the baseline so that each runtime's
 * lazy initialisation (the wasm instance, thread pools) is counted as the runtime's memory,
 * not the model's, for every target alike.
 */
const identityModel = Buffer.from(
  "CAgSB21sYnVpbGQaADIAOkoKHgoBeBIBeRoKSWRlbnRpdHlfMCIISWRlbnRpdHk6ABIEd2FybVIAWg8KAXgSCgoICAES" +
    "BAoCCAFiDwoBeRIKCggIARIECgIIAUIECgAQEQ==",
  "base64",
);

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function initialiseRuntime(target: Target): Promise<Ort> {
  const ort = await loadRuntime(target);
  const warm = await createSession(target, identityModel);
  await warm.run({ x: new ort.Tensor("float32", new Float32Array([1]), [1]) });
  await warm.release();
  return ort;
}

type Feeds = Record<string, OrtTensor>;

function feedsOf(ort: Ort, inputs: readonly InputTensor[]): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs) {
    // The dtype and typed array were matched in inputs.ts; the overloads cannot see that.
    feeds[input.name] = new ort.Tensor(input.dtype as never, input.data as never, input.shape);
  }
  return feeds;
}

function describeFeeds(inputs: readonly InputTensor[]): string {
  return inputs.map((input) => `${input.name}=${input.dtype}[${input.shape.join("x")}]`).join(" ");
}

/**
 * The first run is timed apart (cold start) and is where a model meets its inputs: a failure
 * here is the model and the given shapes not fitting, a usage error (exit 2), as when the
 * runtime rejects a model at load (see docs/benchmarking.md).
 */
async function firstRun(session: InferenceSession, feeds: Feeds, request: BenchmarkChildRequest) {
  const start = performance.now();
  try {
    await session.run(feeds);
  } catch (error) {
    const reason = firstLine(error instanceof Error ? error.message : String(error));
    const where = `${request.target.runtime} (${request.target.provider})`;
    throw new UsageError(
      "MODEL_RUN_FAILED",
      `The model loaded on ${where} but failed on its first run with ${describeFeeds(request.inputs)}: ${reason}`,
      {
        hint:
          "Check --shape, --batch and --inputs against `mlbuild inspect REF`; on wasm, a model " +
          "needing over 4 GiB of memory cannot run (use a cpu build).",
      },
    );
  }
  return performance.now() - start;
}

async function timeRuns(session: InferenceSession, feeds: Feeds, count: number) {
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await session.run(feeds);
    samples[index] = performance.now() - start;
    if (index % 16 === 0)
      sendProgress<BenchmarkProgress>({ phase: "warmup", done: index, total: count });
  }
  return samples;
}

/**
 * The steady state: `concurrency` lanes each keep one run in flight. A run's latency is from
 * its submission to its result, so under load it includes the wait for the runtime.
 * TODO(parallel sessions): onnxruntime-node runs `session.run` synchronously on this thread,
 * so lanes queue rather than overlap; a worker thread with its own session per lane would.
 */
async function measure(session: InferenceSession, feeds: Feeds, request: BenchmarkChildRequest) {
  const samples: number[] = [];
  const start = performance.now();
  const deadline = request.durationMs === undefined ? Infinity : start + request.durationMs;
  const total = Number.isFinite(request.maxRuns) ? request.maxRuns : undefined;
  let started = 0;
  let nextProgress = start + 200;
  let stoppedBy: "runs" | "duration" = "runs";

  const mayStart = (): boolean => {
    if (started >= request.maxRuns) return false;
    if (started < request.minimumRuns) return true;
    if (performance.now() < deadline) return true;
    stoppedBy = "duration";
    return false;
  };
  const lane = async (): Promise<void> => {
    while (mayStart()) {
      started++;
      const runStart = performance.now();
      await session.run(feeds);
      const runEnd = performance.now();
      samples.push(runEnd - runStart);
      if (runEnd >= nextProgress) {
        nextProgress = runEnd + 200;
        sendProgress<BenchmarkProgress>({ phase: "measuring", done: samples.length, total });
      }
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, lane));
  return {
    samples: Float64Array.from(samples),
    steadyStateMs: performance.now() - start,
    stoppedBy,
  };
}

export async function runBenchmarkChild(
  request: BenchmarkChildRequest,
): Promise<BenchmarkChildResult> {
  const processStartMs = performance.now();
  sendProgress<BenchmarkProgress>({ phase: "loading", done: 0 });

  const ort = await initialiseRuntime(request.target);
  const runtimeLoadMs = performance.now() - processStartMs;
  collectGarbage();
  const baselineRssBytes = process.memoryUsage().rss;

  const sessionStart = performance.now();
  const session = await createSession(request.target, await readFile(request.modelPath));
  const sessionCreationMs = performance.now() - sessionStart;

  const feeds = feedsOf(ort, request.inputs);
  const firstInferenceMs = await firstRun(session, feeds, request);
  const warmupSamples = await timeRuns(session, feeds, request.warmup);
  const steady = await measure(session, feeds, request);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  await session.release();

  return {
    samples: steady.samples,
    warmupSamples,
    processStartMs,
    runtimeLoadMs,
    sessionCreationMs,
    firstInferenceMs,
    steadyStateMs: steady.steadyStateMs,
    stoppedBy: steady.stoppedBy,
    memory: { method: "getrusage-maxrss", baselineRssBytes, peakRssBytes },
  };
}

serveWorker(runBenchmarkChild);
