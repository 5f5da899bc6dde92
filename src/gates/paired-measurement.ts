/**
 * The parent's side of runtime/paired-child.ts: which artifact, target and inputs each build
 * brings, and one measurement process per call.
 */
import { RuntimeFailure, UsageError } from "../errors.js";
import type { BuildRecord } from "../registry/records.js";
import { spawnWorker } from "../runtime/child-process.js";
import { type InputSignature, prepareInputs } from "../runtime/inputs.js";
import type { PairedModel, PairedRequest, PairedResult } from "../runtime/paired-child.js";
import { assertHostCanRun, parseTarget, type Target } from "../runtime/targets.js";
import type { Workspace } from "../workspace.js";

/** What the gated model is fed and how it runs: `--batch`, `--shape`, `--inputs`, `--threads`. */
export interface InputChoice {
  batch?: number;
  shapes?: readonly string[];
  inputsDir?: string;
  seed?: number;
  /** Overrides the target's intra-op threads (and so the testbed). */
  threads?: number;
}

/** The build's target with `--threads` applied; wasm runs one thread here, as in `benchmark`. */
export function gateTarget(build: BuildRecord, threads: number | undefined): Target {
  const target = parseTarget(build.target);
  if (threads === undefined) return target;
  if (target.runtime === "onnxruntime-web" && threads !== 1) {
    throw new UsageError("THREADS_UNSUPPORTED", `Target ${build.target} runs one thread here`, {
      hint: "Drop --threads for wasm builds, or gate a cpu build.",
    });
  }
  return { ...target, settings: { ...target.settings, threads } };
}

/**
 * Inputs per inference, for throughput in samples: `--batch`, else the first dimension fed to
 * the first input whose first dimension is symbolic (as `benchmark` counts it), else 1.
 */
export function batchOf(build: BuildRecord, model: PairedModel, choice: InputChoice = {}): number {
  if (choice.batch !== undefined) return choice.batch;
  const signatures = (build.summary.inputs ?? []) as unknown as InputSignature[];
  const batched = signatures.findIndex((signature) => typeof signature.shape?.[0] === "string");
  return batched >= 0 ? (model.inputs[batched]?.shape[0] ?? 1) : 1;
}

/** A build ready for the paired child: its artifact in the store, its target, its inputs. */
export async function pairedModelOf(
  workspace: Workspace,
  build: BuildRecord,
  inputs: InputChoice = {},
): Promise<PairedModel> {
  const id = build.buildId.slice(0, 12);
  if (!workspace.store.has(build.artifactHash)) {
    throw new RuntimeFailure(
      "ARTIFACT_MISSING",
      `The artifact of build ${id} is not in the local object store`,
      { hint: `Run \`mlbuild pull ${id}\`, then try again.` },
    );
  }
  const target = gateTarget(build, inputs.threads);
  assertHostCanRun(target);
  const signatures = (build.summary.inputs ?? []) as unknown as InputSignature[];
  // The same checks and data as `benchmark`: a bad name, dtype or shape is exit 2 before any child.
  const prepared = await prepareInputs(signatures, {
    batch: inputs.batch,
    shapes: inputs.shapes,
    inputsDir: inputs.inputsDir,
    seed: inputs.seed ?? 0,
  });
  return { modelPath: workspace.store.pathOf(build.artifactHash), target, inputs: prepared };
}

/**
 * The measurement child's environment: the parent's, less NODE_EXTRA_CA_CERTS. Node.js reads
 * and parses that certificate bundle at every start-up (about 125 ms per process on the 2-core
 * development machine, against 60 ms for all the rest of Node's start-up); the child never
 * opens a TLS connection, and gates start a process per replication.
 */
function childEnvironment(): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...environment } = process.env;
  return environment;
}

/** One measurement process; a hang is stopped well after the measurement should have ended. */
export function runPairedProcess(request: PairedRequest): Promise<PairedResult> {
  const timeoutMs = 120_000 + request.measureSeconds * 4000;
  return spawnWorker<PairedRequest, PairedResult>("paired-child", request, {
    timeoutMs,
    nodeFlags: ["--expose-gc"],
    env: childEnvironment(),
  });
}
