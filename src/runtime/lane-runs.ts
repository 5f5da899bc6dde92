/**
 * What the benchmark child and each of its lanes (worker threads) do alike: initialise the
 * runtime, build the feeds, time the first run apart, and time a series of runs.
 */
import { performance } from "node:perf_hooks";
import { UsageError } from "../errors.js";
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

export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function initialiseRuntime(target: Target): Promise<Ort> {
  const ort = await loadRuntime(target);
  const warm = await createSession(target, identityModel);
  await warm.run({ x: new ort.Tensor("float32", new Float32Array([1]), [1]) });
  await warm.release();
  return ort;
}

export type Feeds = Record<string, OrtTensor>;

export function feedsOf(ort: Ort, inputs: readonly InputTensor[]): Feeds {
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
export async function firstRun(
  session: InferenceSession,
  feeds: Feeds,
  target: Target,
  inputs: readonly InputTensor[],
): Promise<number> {
  const start = performance.now();
  try {
    await session.run(feeds);
  } catch (error) {
    const reason = firstLine(error instanceof Error ? error.message : String(error));
    const where = `${target.runtime} (${target.provider})`;
    throw new UsageError(
      "MODEL_RUN_FAILED",
      `The model loaded on ${where} but failed on its first run ` +
        `with ${describeFeeds(inputs)}: ${reason}`,
      {
        hint:
          "Check --shape, --batch and --inputs against `mlbuild inspect REF`; on wasm, a model " +
          "needing over 4 GiB of memory cannot run (use a cpu build).",
      },
    );
  }
  return performance.now() - start;
}

/** Times `count` runs one after another; `onProgress` hears every 16th. */
export async function timeRuns(
  session: InferenceSession,
  feeds: Feeds,
  count: number,
  onProgress?: (done: number) => void,
): Promise<Float64Array> {
  const samples = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await session.run(feeds);
    samples[index] = performance.now() - start;
    if (index % 16 === 0) onProgress?.(index);
  }
  return samples;
}
