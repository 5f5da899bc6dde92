/**
 * The part of ONNX Runtime's API that mlbuild uses, the same for onnxruntime-node and
 * onnxruntime-web, so callers are written once for both.
 */
import type * as OrtCommon from "onnxruntime-common";
import { RuntimeFailure, UsageError } from "../errors.js";
import type { OptimizationLevel, Target } from "./targets.js";

export type Ort = typeof OrtCommon;
export type InferenceSession = OrtCommon.InferenceSession;
export type OrtTensor = OrtCommon.Tensor;

let nodeRuntime: Promise<Ort> | undefined;
let webRuntime: Promise<Ort> | undefined;

/** Loads the runtime a target needs; each loads once per process and only when asked for. */
export function loadRuntime(target: Pick<Target, "runtime">): Promise<Ort> {
  if (target.runtime === "onnxruntime-web") {
    webRuntime ??= import("onnxruntime-web").then((module) => {
      const ort = module as unknown as Ort;
      // One wasm thread: the web worker proxy is a browser concept, and Node's threads
      // would make results depend on SharedArrayBuffer support.
      (ort.env as { wasm: { numThreads: number } }).wasm.numThreads = 1;
      return ort;
    });
    return webRuntime;
  }
  nodeRuntime ??= import("onnxruntime-node").then((module) => module as unknown as Ort);
  return nodeRuntime;
}

const levelNames: Record<
  OptimizationLevel,
  OrtCommon.InferenceSession.SessionOptions["graphOptimizationLevel"]
> = {
  disabled: "disabled",
  basic: "basic",
  extended: "extended",
  all: "all",
};

export function sessionOptions(
  target: Target,
  extra: OrtCommon.InferenceSession.SessionOptions = {},
): OrtCommon.InferenceSession.SessionOptions {
  const options: OrtCommon.InferenceSession.SessionOptions = {
    executionProviders: [target.provider],
    graphOptimizationLevel: levelNames[target.settings.optimization ?? "all"],
    ...extra,
  };
  if (target.settings.threads !== undefined && target.runtime === "onnxruntime-node") {
    options.intraOpNumThreads = target.settings.threads;
    options.interOpNumThreads = 1;
  }
  return options;
}

/** Creates a session from model bytes; a model the runtime rejects is the user's input error. */
export async function createSession(
  target: Target,
  model: Uint8Array,
  extra: OrtCommon.InferenceSession.SessionOptions = {},
): Promise<InferenceSession> {
  let ort: Ort;
  try {
    ort = await loadRuntime(target);
  } catch (error) {
    throw new RuntimeFailure("RUNTIME_LOAD_FAILED", `${target.runtime} failed to load`, {
      hint: "Reinstall dependencies with `npm install`, then run `mlbuild doctor`.",
      cause: error,
    });
  }
  try {
    return await ort.InferenceSession.create(model, sessionOptions(target, extra));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      "MODEL_REJECTED_BY_RUNTIME",
      `${target.runtime} (${target.provider}) cannot load the model: ${firstLine(reason)}`,
      { hint: "Check the model's opset and operators against the target's runtime.", cause: error },
    );
  }
}

export function firstLine(text: string): string {
  const line = text.split("\n").find((candidate) => candidate.trim() !== "") ?? text;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
