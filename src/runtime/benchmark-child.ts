/**
 * The benchmark child process: loads ONE runtime, creates one session per lane, and times
 * `session.run`. It runs in a fresh process (see child-process.ts) so that its memory is the
 * model's and a crash cannot take mlbuild down. The timer brackets `session.run` and nothing
 * else. One lane runs on this thread; several run in worker threads (benchmark-lanes.ts).
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { type LaneReport, measureInLanes } from "./benchmark-lanes.js";
import type { BenchmarkPlan } from "./benchmark-plan.js";
import { sendProgress, serveWorker } from "./child-process.js";
import {
  collectGarbage,
  type Feeds,
  feedsOf,
  firstRun,
  initialiseRuntime,
  timeRuns,
} from "./lane-runs.js";
import { createSession, type InferenceSession } from "./session.js";

export type BenchmarkChildRequest = BenchmarkPlan;

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
  /** Sessions alive at the peak, one per lane (absent: 1); the model's share is all of them. */
  sessions?: number;
}

/** With several lanes: who ran what, and how long runs really ran at the same time. */
export interface ChildLanes {
  lanes: LaneReport[];
  /** Steady-state time with two runs or more executing at once (ms). */
  overlapMs: number;
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
  /** Only with `concurrency > 1`. */
  lanes?: ChildLanes;
}

/**
 * The steady state of one lane on this thread: one run in flight at a time, the timer
 * bracketing `session.run` and nothing else.
 */
async function measure(session: InferenceSession, feeds: Feeds, request: BenchmarkChildRequest) {
  const samples: number[] = [];
  const start = performance.now();
  const deadline = request.durationMs === undefined ? Infinity : start + request.durationMs;
  const total = totalOf(request);
  let nextProgress = start + 200;
  let stoppedBy: "runs" | "duration" = "runs";
  while (samples.length < request.maxRuns) {
    const runStart = performance.now();
    if (samples.length >= request.minimumRuns && runStart >= deadline) {
      stoppedBy = "duration";
      break;
    }
    await session.run(feeds);
    const runEnd = performance.now();
    samples.push(runEnd - runStart);
    if (runEnd >= nextProgress) {
      nextProgress = runEnd + 200;
      sendProgress<BenchmarkProgress>({ phase: "measuring", done: samples.length, total });
    }
  }
  return {
    samples: Float64Array.from(samples),
    steadyStateMs: performance.now() - start,
    stoppedBy,
  };
}

function totalOf(request: BenchmarkChildRequest): number | undefined {
  return Number.isFinite(request.maxRuns) ? request.maxRuns : undefined;
}

/** `--concurrency 1`: the runtime, the session and the runs on this thread. */
async function runOnThisThread(
  request: BenchmarkChildRequest,
  processStartMs: number,
): Promise<BenchmarkChildResult> {
  const ort = await initialiseRuntime(request.target);
  const runtimeLoadMs = performance.now() - processStartMs;
  collectGarbage();
  const baselineRssBytes = process.memoryUsage().rss;

  const sessionStart = performance.now();
  const session = await createSession(request.target, await readFile(request.modelPath));
  const sessionCreationMs = performance.now() - sessionStart;

  const feeds = feedsOf(ort, request.inputs);
  const firstInferenceMs = await firstRun(session, feeds, request.target, request.inputs);
  const warmupSamples = await timeRuns(session, feeds, request.warmup, (done) =>
    sendProgress<BenchmarkProgress>({ phase: "warmup", done, total: request.warmup }),
  );
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
    memory: { method: "getrusage-maxrss", baselineRssBytes, peakRssBytes, sessions: 1 },
  };
}

/**
 * `--concurrency C > 1`: C worker threads, each with its own session (benchmark-lanes.ts).
 * onnxruntime-node's `session.run` blocks the calling thread, so C runs in flight on one
 * thread would only queue.
 */
async function runInLanes(
  request: BenchmarkChildRequest,
  processStartMs: number,
): Promise<BenchmarkChildResult> {
  const total = totalOf(request);
  const lanes = await measureInLanes({
    ...request,
    onLoaded: () => sendProgress<BenchmarkProgress>({ phase: "warmup", done: 0 }),
    onProgress: (done) => sendProgress<BenchmarkProgress>({ phase: "measuring", done, total }),
  });
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return {
    samples: lanes.samples,
    warmupSamples: lanes.warmupSamples,
    processStartMs,
    runtimeLoadMs: lanes.runtimeLoadMs,
    sessionCreationMs: lanes.sessionCreationMs,
    firstInferenceMs: lanes.firstInferenceMs,
    steadyStateMs: lanes.steadyStateMs,
    stoppedBy: lanes.stoppedBy,
    memory: {
      method: "getrusage-maxrss",
      baselineRssBytes: lanes.baselineRssBytes,
      peakRssBytes,
      sessions: request.concurrency,
    },
    lanes: { lanes: lanes.lanes, overlapMs: lanes.overlapMs },
  };
}

export async function runBenchmarkChild(
  request: BenchmarkChildRequest,
): Promise<BenchmarkChildResult> {
  const processStartMs = performance.now();
  sendProgress<BenchmarkProgress>({ phase: "loading", done: 0 });
  return request.concurrency > 1
    ? runInLanes(request, processStartMs)
    : runOnThisThread(request, processStartMs);
}

serveWorker(runBenchmarkChild);
