/**
 * The baseline of `compare`. An unknown reference is bad input (exit 2) and never a silent
 * pass. In CI a missing baseline is usually the first run of a pipeline before anyone tagged
 * production; it fails the gate (exit 1) with how to create one, unless the job opts out with
 * `--baseline-missing pass`.
 */
import { ExitCode, MlbuildError } from "../errors.js";
import type { BuildRecord } from "../registry/records.js";
import type { Registry } from "../registry/registry.js";
import type { CompareSkipped } from "./types.js";

export type BaselineOutcome =
  | { kind: "found"; build: BuildRecord }
  | { kind: "skipped"; result: (candidate: BuildRecord) => CompareSkipped };

export class BaselineMissing extends MlbuildError {
  constructor(reference: string) {
    super(
      "BASELINE_MISSING",
      ExitCode.gateFailed,
      `The baseline '${reference}' does not exist in this registry, so nothing was compared`,
      {
        hint:
          `Create it from a known-good build with \`mlbuild tag create BUILD_ID ${reference}\`, ` +
          "or pass --baseline-missing pass to let this job through until it exists.",
      },
    );
    this.name = "BaselineMissing";
  }
}

export async function resolveBaseline(
  registry: Registry,
  request: { baselineRef: string; candidateRef: string; baselineMissing?: "pass" | "fail" },
): Promise<BaselineOutcome> {
  try {
    return { kind: "found", build: await registry.resolve(request.baselineRef) };
  } catch (error) {
    const unknown = error instanceof MlbuildError && error.code === "REF_UNKNOWN";
    if (!unknown || request.baselineMissing === undefined) throw error;
    if (request.baselineMissing === "fail") throw new BaselineMissing(request.baselineRef);
  }
  const message =
    `The baseline '${request.baselineRef}' does not exist; passing because of ` +
    "--baseline-missing pass. Tag a baseline to start gating.";
  return {
    kind: "skipped",
    result: (candidate) => ({
      status: "baseline-missing",
      baseline: { build_id: null, ref: request.baselineRef },
      candidate: { build_id: candidate.buildId, name: candidate.name, ref: request.candidateRef },
      message,
      exit_code: ExitCode.ok,
    }),
  };
}
