/**
 * `--concurrency C > 1`: the benchmark child runs C lanes, each a worker thread with its own
 * session (benchmark-lane.ts), and steps them through the same phases together:
 *
 *   runtime loaded in every lane → baseline RSS → sessions + first runs → warm-up → measure
 *
 * so the memory method is the one of a single session (peak minus RSS after the runtime, before
 * any session), with every lane's session in the model's share. A sample is one run, from its
 * submission to its result in its lane; throughput is completed runs over the steady-state
 * window, from the go signal to the last completion.
 */
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { RuntimeFailure } from "../errors.js";
import type { BenchmarkPlan } from "./benchmark-plan.js";
import { fromWorkerError, type WorkerError } from "./child-process.js";
import { collectGarbage } from "./lane-runs.js";

/** What each lane gets at start (structured clone: every lane has its own copy of the inputs). */
export interface LaneData extends Omit<BenchmarkPlan, "durationMs" | "concurrency"> {
  /** Shared by the lanes and the coordinator; see `controlLayout`. */
  control: SharedArrayBuffer;
}

export type LaneCommand = { type: "session" } | { type: "warmup" };

/**
 * The shared control block: Int32 slots for the runs started and completed and the start flag
 * (lanes block on it with `Atomics.wait`, so all wake together, without a message each), then
 * the steady state's deadline as a Float64 (ms since the epoch).
 */
export const controlLayout = { started: 0, completed: 1, go: 2, deadlineByte: 16, bytes: 24 };

export type LaneMessage =
  | { type: "runtime" }
  | { type: "loaded"; sessionCreationMs: number; firstInferenceMs: number }
  | { type: "warmed"; warmupSamples: Float64Array }
  | {
      type: "done";
      threadId: number;
      samples: Float64Array;
      /** Submission and completion of each run, in ms since the epoch. */
      starts: Float64Array;
      ends: Float64Array;
      stoppedBy: "runs" | "duration";
    }
  | { type: "error"; error: WorkerError };

export interface LaneReport {
  lane: number;
  threadId: number;
  runs: number;
  sessionCreationMs: number;
  firstInferenceMs: number;
  /** First submission and last completion, in ms from the start of the steady state. */
  firstStartMs: number;
  lastEndMs: number;
}

export interface LanesOptions extends BenchmarkPlan {
  onProgress: (done: number) => void;
  onLoaded: () => void;
}

export interface LanesResult {
  samples: Float64Array;
  warmupSamples: Float64Array;
  runtimeLoadMs: number;
  sessionCreationMs: number;
  firstInferenceMs: number;
  steadyStateMs: number;
  stoppedBy: "runs" | "duration";
  baselineRssBytes: number;
  lanes: LaneReport[];
  /** Time in the steady state during which two runs or more were executing at once. */
  overlapMs: number;
}

type Reply<Type extends LaneMessage["type"]> = Extract<LaneMessage, { type: Type }>;

/** The lane script next to this file, compiled (.js) or, under tsx and Vitest, the source. */
function laneScript(): URL {
  const fromSources = import.meta.url.endsWith(".ts");
  const script = new URL(`./benchmark-lane.${fromSources ? "ts" : "js"}`, import.meta.url);
  if (!existsSync(script)) throw new Error(`lane script ${script.pathname} does not exist`);
  return script;
}

/** Waits for one reply of `type` from a lane; its error or exit rejects. */
function reply<Type extends LaneMessage["type"]>(worker: Worker, type: Type): Promise<Reply<Type>> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const onMessage = (message: LaneMessage) => {
      if (message.type !== type && message.type !== "error") return;
      cleanup();
      if (message.type === "error") reject(fromWorkerError(message.error));
      else resolve(message as Reply<Type>);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new RuntimeFailure("LANE_FAILED", `A benchmark lane failed: ${error.message}`));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new RuntimeFailure("LANE_FAILED", `A benchmark lane exited with code ${code}`));
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

function step<Type extends LaneMessage["type"]>(
  workers: readonly Worker[],
  command: LaneCommand | undefined,
  type: Type,
): Promise<Reply<Type>[]> {
  const replies = workers.map((worker) => reply(worker, type));
  if (command) for (const worker of workers) worker.postMessage(command);
  return settleAll(replies);
}

/**
 * Waits for every lane before reporting the first failure: terminating a lane while it is
 * inside `session.run` makes onnxruntime-node throw into a dying thread, which aborts the
 * whole process (SIGABRT) instead of giving the lane's own clear error.
 */
async function settleAll<Value>(replies: Promise<Value>[]): Promise<Value[]> {
  const settled = await Promise.allSettled(replies);
  const failure = settled.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<Value>).value);
}

/** Sweep over all run intervals: total time with at least two runs in flight. */
export function overlapOf(starts: readonly number[], ends: readonly number[]): number {
  const events = [
    ...starts.map((time) => ({ time, change: 1 })),
    ...ends.map((time) => ({ time, change: -1 })),
  ].sort((a, b) => a.time - b.time || a.change - b.change);
  let inFlight = 0;
  let overlap = 0;
  let previous = 0;
  for (const event of events) {
    if (inFlight >= 2) overlap += event.time - previous;
    inFlight += event.change;
    previous = event.time;
  }
  return overlap;
}

/** Every lane's runs, merged in completion order (the order drift and outliers read). */
function mergeRuns(done: readonly Reply<"done">[]) {
  const runs = done.flatMap((lane) =>
    Array.from(lane.samples, (sample, index) => ({ sample, end: lane.ends[index] })),
  );
  runs.sort((a, b) => a.end - b.end);
  return Float64Array.from(runs, (run) => run.sample);
}

async function coordinate(workers: Worker[], options: LanesOptions, control: Int32Array) {
  const loadStart = performance.now();
  await step(workers, undefined, "runtime");
  const runtimeLoadMs = performance.now() - loadStart;
  collectGarbage();
  const baselineRssBytes = process.memoryUsage().rss;

  const loaded = await step(workers, { type: "session" }, "loaded");
  options.onLoaded();
  const warmed = await step(workers, { type: "warmup" }, "warmed");

  const replies = step(workers, undefined, "done");
  const start = performance.timeOrigin + performance.now();
  new Float64Array(control.buffer, controlLayout.deadlineByte, 1)[0] =
    start + (options.durationMs ?? Number.POSITIVE_INFINITY);
  Atomics.store(control, controlLayout.go, 1);
  Atomics.notify(control, controlLayout.go);
  const progress = setInterval(
    () => options.onProgress(Atomics.load(control, controlLayout.completed)),
    200,
  );
  const done = await replies.finally(() => clearInterval(progress));

  const starts = done.flatMap((lane) => Array.from(lane.starts));
  const ends = done.flatMap((lane) => Array.from(lane.ends));
  const end = Math.max(start, ...ends);
  const lanes = done.map((lane, index) => ({
    lane: index,
    threadId: lane.threadId,
    runs: lane.samples.length,
    sessionCreationMs: loaded[index].sessionCreationMs,
    firstInferenceMs: loaded[index].firstInferenceMs,
    firstStartMs: (lane.starts[0] ?? start) - start,
    lastEndMs: (lane.ends[lane.ends.length - 1] ?? start) - start,
  }));
  return {
    samples: mergeRuns(done),
    warmupSamples: Float64Array.from(warmed.flatMap((lane) => Array.from(lane.warmupSamples))),
    runtimeLoadMs,
    // The slowest lane: the time until every lane can serve.
    sessionCreationMs: Math.max(...lanes.map((lane) => lane.sessionCreationMs)),
    firstInferenceMs: Math.max(...lanes.map((lane) => lane.firstInferenceMs)),
    steadyStateMs: end - start,
    stoppedBy: done.some((lane) => lane.stoppedBy === "duration")
      ? ("duration" as const)
      : ("runs" as const),
    baselineRssBytes,
    lanes,
    overlapMs: overlapOf(starts, ends),
  };
}

/** Runs the benchmark's phases in `concurrency` worker threads; the caller reads peak RSS. */
export async function measureInLanes(options: LanesOptions): Promise<LanesResult> {
  const controlBuffer = new SharedArrayBuffer(controlLayout.bytes);
  const data: LaneData = {
    modelPath: options.modelPath,
    target: options.target,
    inputs: options.inputs,
    warmup: options.warmup,
    maxRuns: options.maxRuns,
    minimumRuns: options.minimumRuns,
    control: controlBuffer,
  };
  const script = laneScript();
  const workers = Array.from(
    { length: options.concurrency },
    () => new Worker(script, { workerData: data }),
  );
  try {
    return await coordinate(workers, options, new Int32Array(controlBuffer, 0, 3));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
