/**
 * The parent's side of runtime/paired-child.ts: which artifact, target and inputs each build
 * brings, and one measurement process per call.
 */
import { RuntimeFailure } from "../errors.js";
import type { BuildRecord } from "../registry/records.js";
import { spawnWorker } from "../runtime/child-process.js";
import { type InputSignature, prepareInputs } from "../runtime/inputs.js";
import type { PairedModel, PairedRequest, PairedResult } from "../runtime/paired-child.js";
import { assertHostCanRun, parseTarget } from "../runtime/targets.js";
import type { Workspace } from "../workspace.js";

export interface InputChoice {
  batch?: number;
  shapes?: readonly string[];
  seed?: number;
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
  const target = parseTarget(build.target);
  assertHostCanRun(target);
  const signatures = (build.summary.inputs ?? []) as unknown as InputSignature[];
  return {
    modelPath: workspace.store.pathOf(build.artifactHash),
    target,
    inputs: await prepareInputs(signatures, { ...inputs, seed: inputs.seed ?? 0 }),
  };
}

/** One measurement process; a hang is stopped well after the measurement should have ended. */
export function runPairedProcess(request: PairedRequest): Promise<PairedResult> {
  const timeoutMs = 120_000 + request.measureSeconds * 4000;
  return spawnWorker<PairedRequest, PairedResult>("paired-child", request, {
    timeoutMs,
    nodeFlags: ["--expose-gc"],
  });
}
