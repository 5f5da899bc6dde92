/**
 * One lane of a concurrent benchmark: a worker thread of the benchmark child with its own
 * runtime instance and its own session, so that C lanes run C inferences at once, as a server
 * with C sessions does. onnxruntime-node's `session.run` blocks the thread that calls it
 * (measured in docs/benchmarking.md), so in-flight runs on one thread would queue.
 *
 * The coordinator (benchmark-lanes.ts) steps every lane through the same phases with commands;
 * the lanes share two counters (runs started, runs completed) in a SharedArrayBuffer, so the
 * run cap holds across lanes without a round trip per run.
 */

import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { parentPort, threadId, workerData } from "node:worker_threads";
import {
  controlLayout,
  type LaneCommand,
  type LaneData,
  type LaneMessage,
} from "./benchmark-lanes.js";
import { collectGarbage, feedsOf, firstRun, initialiseRuntime, timeRuns } from "./lane-runs.js";
import { createSession, type InferenceSession } from "./session.js";

const data = workerData as LaneData;
const port = parentPort;
if (!port) throw new Error("benchmark-lane runs as a worker thread of benchmark-child");

const commands: LaneCommand[] = [];
let waiting: ((command: LaneCommand) => void) | undefined;
port.on("message", (command: LaneCommand) => {
  if (waiting) {
    const resolve = waiting;
    waiting = undefined;
    resolve(command);
  } else commands.push(command);
});

function nextCommand(): Promise<LaneCommand> {
  const queued = commands.shift();
  if (queued) return Promise.resolve(queued);
  return new Promise((resolve) => {
    waiting = resolve;
  });
}

function post(message: LaneMessage): void {
  port?.postMessage(message);
}

/** Closed loop: take a run number from the shared counter, run, record; stop at the cap. */
async function measure(
  session: InferenceSession,
  feeds: Parameters<InferenceSession["run"]>[0],
  deadline: number,
) {
  const counters = new Int32Array(data.control, 0, 3);
  const starts: number[] = [];
  const ends: number[] = [];
  const samples: number[] = [];
  let stoppedBy: "runs" | "duration" = "runs";
  for (;;) {
    const index = Atomics.add(counters, controlLayout.started, 1);
    if (index >= data.maxRuns) break;
    // performance.now() differs between threads; timeOrigin + now() is comparable (epoch ms).
    const submitted = performance.now();
    if (index >= data.minimumRuns && performance.timeOrigin + submitted >= deadline) {
      stoppedBy = "duration";
      break;
    }
    await session.run(feeds);
    const completed = performance.now();
    samples.push(completed - submitted);
    starts.push(performance.timeOrigin + submitted);
    ends.push(performance.timeOrigin + completed);
    Atomics.add(counters, controlLayout.completed, 1);
  }
  return {
    samples: Float64Array.from(samples),
    starts: Float64Array.from(starts),
    ends: Float64Array.from(ends),
    stoppedBy,
  };
}

async function runLane(): Promise<void> {
  const ort = await initialiseRuntime(data.target);
  collectGarbage();
  post({ type: "runtime" });

  await nextCommand();
  const sessionStart = performance.now();
  const session = await createSession(data.target, await readFile(data.modelPath));
  const sessionCreationMs = performance.now() - sessionStart;
  const feeds = feedsOf(ort, data.inputs);
  const firstInferenceMs = await firstRun(session, feeds, data.target, data.inputs);
  post({ type: "loaded", sessionCreationMs, firstInferenceMs });

  await nextCommand();
  const warmupSamples = await timeRuns(session, feeds, data.warmup);
  post({ type: "warmed", warmupSamples });

  // Block until the coordinator's start flag: every lane wakes at once.
  const control = new Int32Array(data.control, 0, 3);
  Atomics.wait(control, controlLayout.go, 0);
  const deadline = new Float64Array(data.control, controlLayout.deadlineByte, 1)[0];
  const steady = await measure(session, feeds, deadline);
  post({ type: "done", threadId, ...steady });
  await session.release();
}

runLane().catch((error: unknown) => {
  const known = error as { code?: unknown; exitCode?: unknown; hint?: string };
  const message = error instanceof Error ? error.message : String(error);
  const coded = typeof known.code === "string" && typeof known.exitCode === "number";
  post({
    type: "error",
    error: {
      kind: coded && known.exitCode === 2 ? "usage" : "runtime",
      code: coded ? (known.code as string) : "LANE_FAILED",
      message,
      hint: known.hint,
    },
  });
});
