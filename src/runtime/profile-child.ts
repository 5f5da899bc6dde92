/**
 * The profile child process: one session with ONNX Runtime's profiler on, the first inference
 * and the warm-up, then the timed runs, and the runtime's Chrome trace written to a file the
 * parent reads. A fresh process (see child-process.ts), so a profile never shares a runtime with
 * mlbuild or another measurement.
 *
 * onnxruntime-node writes the trace to `<profileFilePrefix>_<date>.json`. onnxruntime-web has no
 * file system to write to: its wasm build prints the same trace to file descriptor 1, which is
 * captured here while the profiler ends.
 */
import fs from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { RuntimeFailure, UsageError } from "../errors.js";
import { sendProgress, serveWorker } from "./child-process.js";
import { type Feeds, feedsOf } from "./lane-runs.js";
import { createSession, firstLine, type InferenceSession, loadRuntime } from "./session.js";
import type { Target } from "./targets.js";
import type { InputTensor } from "./tensor-types.js";

export interface ProfileChildRequest {
  modelPath: string;
  target: Target;
  inputs: InputTensor[];
  /** Untimed runs after the first inference. */
  warmup: number;
  /** Timed runs; the trace's last `runs` inferences are these. */
  runs: number;
  /** An empty folder the parent owns and removes. */
  directory: string;
}

export interface ProfileProgress {
  phase: "loading" | "warmup" | "profiling";
  done: number;
  total?: number;
}

export interface ProfileChildResult {
  /** The runtime's trace, a JSON array of events. */
  tracePath: string;
  /** `session.run` as timed here, one per timed run. */
  latenciesMs: Float64Array;
  sessionCreationMs: number;
  firstInferenceMs: number;
}

const tracePrefix = "ort-profile";

async function firstRun(session: InferenceSession, feeds: Feeds, target: Target) {
  const start = performance.now();
  try {
    await session.run(feeds);
  } catch (error) {
    const reason = firstLine(error instanceof Error ? error.message : String(error));
    throw new UsageError(
      "MODEL_RUN_FAILED",
      `The model loaded on ${target.runtime} (${target.provider}) but failed on its first ` +
        `run: ${reason}`,
      { hint: "Check --shape, --batch and --inputs against `mlbuild inspect REF`." },
    );
  }
  return performance.now() - start;
}

/** Captures what the wasm runtime writes to fd 1 while `end` runs. */
async function captureStdout(end: () => Promise<void> | void): Promise<string> {
  const chunks: string[] = [];
  const original = fs.writeSync;
  // The wasm glue imports `fs` as an ES module; syncBuiltinESMExports makes it see the swap.
  fs.writeSync = ((descriptor: number, data: unknown, ...rest: never[]) => {
    if (descriptor !== 1) return original(descriptor, data as string, ...rest);
    chunks.push(String(data));
    return String(data).length;
  }) as typeof fs.writeSync;
  syncBuiltinESMExports();
  try {
    await end();
  } finally {
    fs.writeSync = original;
    syncBuiltinESMExports();
  }
  return chunks.join("");
}

async function endProfiling(session: InferenceSession, request: ProfileChildRequest) {
  if (request.target.runtime === "onnxruntime-web") {
    const printed = await captureStdout(() => session.endProfiling());
    const start = printed.indexOf("[");
    const tracePath = path.join(request.directory, `${tracePrefix}-wasm.json`);
    await writeFile(tracePath, start >= 0 ? printed.slice(start) : "[]");
    return tracePath;
  }
  await session.endProfiling();
  const written = (await readdir(request.directory)).filter((name) => name.startsWith(tracePrefix));
  if (written.length !== 1) {
    throw new RuntimeFailure("PROFILE_MISSING", `${request.target.runtime} wrote no profile`, {
      hint: "Run `mlbuild doctor` to check the runtime; nothing was recorded.",
    });
  }
  return path.join(request.directory, written[0]);
}

export async function runProfileChild(request: ProfileChildRequest): Promise<ProfileChildResult> {
  sendProgress<ProfileProgress>({ phase: "loading", done: 0 });
  const ort = await loadRuntime(request.target);
  const model = await readFile(request.modelPath);

  const sessionStart = performance.now();
  const session = await createSession(request.target, model, {
    enableProfiling: true,
    profileFilePrefix: path.join(request.directory, tracePrefix),
  });
  const sessionCreationMs = performance.now() - sessionStart;

  const feeds = feedsOf(ort, request.inputs);
  const firstInferenceMs = await firstRun(session, feeds, request.target);
  for (let index = 0; index < request.warmup; index++) {
    await session.run(feeds);
    sendProgress<ProfileProgress>({ phase: "warmup", done: index + 1, total: request.warmup });
  }

  const latenciesMs = new Float64Array(request.runs);
  for (let index = 0; index < request.runs; index++) {
    const start = performance.now();
    await session.run(feeds);
    latenciesMs[index] = performance.now() - start;
    sendProgress<ProfileProgress>({ phase: "profiling", done: index + 1, total: request.runs });
  }

  const tracePath = await endProfiling(session, request);
  await session.release();
  return { tracePath, latenciesMs, sessionCreationMs, firstInferenceMs };
}

serveWorker(runProfileChild);
