/**
 * A child process that holds one or two sessions (baseline and candidate) and times them in
 * alternating warm blocks. Process-to-process noise (frequency, cache and memory placement,
 * noisy neighbours) dominates run-to-run noise on CI machines, so `compare` measures both builds
 * inside the same process and replicates over processes: each process yields one candidate /
 * baseline ratio. Alternating blocks spread drift within a process over both sides alike, and
 * the parent alternates which session is created first from one process to the next.
 *
 * With one model it is the plain "model running alone" measurement that `validate` gates on.
 * Started through child-process.ts (`spawnWorker("paired-child", request)`).
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { serveWorker } from "./child-process.js";
import {
  createSession,
  type InferenceSession,
  loadRuntime,
  type Ort,
  type OrtTensor,
} from "./session.js";
import type { Target } from "./targets.js";
import type { InputTensor } from "./tensor-types.js";

export interface PairedModel {
  /** The artifact on disk. */
  modelPath: string;
  target: Target;
  /** Prepared by the parent (runtime/inputs.ts), the same tensors `benchmark` feeds. */
  inputs: InputTensor[];
}

export interface PairedRequest {
  /** One model (measured alone) or two (baseline first, candidate second). */
  models: PairedModel[];
  /** Indexes into `models` in the order their sessions are created. */
  creationOrder: number[];
  warmupRuns: number;
  /** Runs per block; the sides alternate block by block. */
  blockRuns: number;
  minRunsPerModel: number;
  maxRunsPerModel: number;
  /** Measure at least this long (after warm-up), as long as maxRunsPerModel allows. */
  measureSeconds: number;
}

export interface ModelMeasurement {
  /** Steady-state latencies in milliseconds, in run order. */
  samplesMs: number[];
  /** Warm-up latencies (the first run excluded: it is `firstRunMs`), kept apart. */
  warmupSamplesMs: number[];
  /**
   * Resident memory the session added (creation plus warm-up), in bytes. With two sessions the
   * peak cannot be split between them, so `compare` uses this growth; alone, `validate` uses
   * `peakRssBytes - baselineRssBytes` as `benchmark` does.
   */
  memoryBytes: number;
  createMs: number;
  firstRunMs: number;
}

export interface PairedResult {
  /** Same order as the request's models. */
  models: ModelMeasurement[];
  /** From process start to the request's arrival: Node.js start-up and module loading. */
  processStartMs: number;
  /** Loading the runtime(s) and running the primer model. */
  runtimeLoadMs: number;
  /** Wall time of the alternating steady-state phase. */
  steadyStateMs: number;
  /** RSS after the runtime loaded (and a forced GC), before any session: as benchmark-child. */
  baselineRssBytes: number;
  /** The process's peak RSS (getrusage high-water mark) at the end of the steady state. */
  peakRssBytes: number;
}

type Feeds = Record<string, OrtTensor>;

function feedsOf(ort: Ort, inputs: readonly InputTensor[]): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs) {
    // inputs.ts matched each dtype with its typed array; the overloads cannot see that.
    feeds[input.name] = new ort.Tensor(input.dtype as never, input.data as never, input.shape);
  }
  return feeds;
}

interface LiveSession {
  session: InferenceSession;
  feeds: Feeds;
  measurement: ModelMeasurement;
}

async function openSession(model: PairedModel, request: PairedRequest): Promise<LiveSession> {
  const { target } = model;
  const ort = await loadRuntime(target);
  const bytes = new Uint8Array(await readFile(model.modelPath));
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const session = await createSession(target, bytes);
  const createMs = performance.now() - started;

  const feeds = feedsOf(ort, model.inputs);
  const firstStarted = performance.now();
  await session.run(feeds);
  const firstRunMs = performance.now() - firstStarted;
  const warmupSamplesMs: number[] = [];
  for (let run = 1; run < request.warmupRuns; run++) {
    const runStarted = performance.now();
    await session.run(feeds);
    warmupSamplesMs.push(performance.now() - runStarted);
  }

  const memoryBytes = Math.max(0, process.memoryUsage().rss - rssBefore);
  const measurement = { samplesMs: [], warmupSamplesMs, memoryBytes, createMs, firstRunMs };
  return { session, feeds, measurement };
}

async function timeBlock(live: LiveSession, runs: number): Promise<void> {
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await live.session.run(live.feeds);
    live.measurement.samplesMs.push(performance.now() - started);
  }
}

/**
 * A one-node Identity model (float32 [1] → [1]), encoded once with src/onnx/builder.ts. Creating
 * and running a session of it first pays the runtime's one-time costs (environment, allocators,
 * library pages), which would otherwise be charged to whichever model is created first.
 */
const primerModel = Buffer.from(
  "CAgSB21sYnVpbGQaADIAOkcKHgoBeBIBeRoKSWRlbnRpdHlfMCIISWRlbnRpdHk6ABIBcFIAWg8KAXgSCgoICAESBAoC" +
    "CAFiDwoBeRIKCggIARIECgIIAUIECgAQEQ==",
  "base64",
);

async function primeRuntimes(models: readonly PairedModel[]): Promise<InferenceSession[]> {
  const primers: InferenceSession[] = [];
  const seen = new Set<string>();
  for (const model of models) {
    const { target } = model;
    if (seen.has(target.runtime)) continue;
    seen.add(target.runtime);
    const ort = await loadRuntime(target);
    const primer = await createSession(target, new Uint8Array(primerModel));
    await primer.run({ x: new ort.Tensor("float32", new Float32Array([1]), [1]) });
    primers.push(primer);
  }
  return primers;
}

export async function measureInThisProcess(request: PairedRequest): Promise<PairedResult> {
  const processStartMs = performance.now();
  // Kept open until the end: releasing them could hand memory back mid-measurement.
  const primers = await primeRuntimes(request.models);
  const runtimeLoadMs = performance.now() - processStartMs;
  // Needs `--expose-gc` (paired-measurement.ts passes it); without it the baseline is noisier.
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRssBytes = process.memoryUsage().rss;

  const sessions: LiveSession[] = new Array(request.models.length);
  for (const index of request.creationOrder) {
    sessions[index] = await openSession(request.models[index], request);
  }

  // Alternate blocks, starting with the side created first, until both have enough samples.
  const order = request.creationOrder.map((index) => sessions[index]);
  const started = performance.now();
  const done = () => {
    const runs = sessions[0].measurement.samplesMs.length;
    if (runs >= request.maxRunsPerModel) return true;
    const elapsed = (performance.now() - started) / 1000;
    return runs >= request.minRunsPerModel && elapsed >= request.measureSeconds;
  };
  let block = 0;
  while (!done()) {
    for (let turn = 0; turn < order.length; turn++) {
      // Swap the order every block pair too, so neither side always runs right after the other.
      const live = order[(turn + block) % order.length];
      const room = request.maxRunsPerModel - live.measurement.samplesMs.length;
      await timeBlock(live, Math.min(request.blockRuns, room));
    }
    block++;
  }
  const steadyStateMs = performance.now() - started;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;

  for (const live of sessions) await live.session.release();
  for (const primer of primers) await primer.release();
  return {
    models: sessions.map((live) => live.measurement),
    processStartMs,
    runtimeLoadMs,
    steadyStateMs,
    baselineRssBytes,
    peakRssBytes,
  };
}

serveWorker(measureInThisProcess);
