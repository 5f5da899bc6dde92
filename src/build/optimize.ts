/**
 * Offline graph optimisation: ONNX Runtime optimises the model while creating a session and
 * writes the result (`optimizedModelFilePath`); that file becomes the artifact.
 *
 * Level `all` is serialised at `extended`. ONNX Runtime's `all` adds layout transforms (NCHWc
 * Conv) that it itself warns are specific to the CPU they ran on: measured here, the file it
 * writes differs between two runs on the same machine, and onnxruntime-web cannot load it. The
 * layout transforms still happen when a `cpu` target's session loads the artifact, since
 * sessions run at level `all` by default. The build report says so.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isMlbuildError, RuntimeFailure } from "../errors.js";
import type { JsonObject } from "../registry/records.js";
import { createSession } from "../runtime/session.js";
import { parseTarget } from "../runtime/targets.js";
import type { Optimization } from "./identity.js";

export type OptimizationLevel = Exclude<Optimization, "none">;

const serializedLevel: Record<OptimizationLevel, "basic" | "extended"> = {
  basic: "basic",
  extended: "extended",
  all: "extended",
};

/** ORT logs a warning per session at level warning; errors still surface as exceptions. */
const ERROR_LOG_SEVERITY = 3;

export async function optimizeModel(
  model: Uint8Array,
  level: OptimizationLevel,
): Promise<{ model: Uint8Array; report: JsonObject }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "mlbuild-optimize-"));
  const outputPath = path.join(directory, "optimized.onnx");
  try {
    const session = await createSession(parseTarget("cpu:threads=1"), model, {
      graphOptimizationLevel: serializedLevel[level],
      optimizedModelFilePath: outputPath,
      logSeverityLevel: ERROR_LOG_SEVERITY,
    });
    await session.release();
    const optimized = new Uint8Array(await readFile(outputPath));
    const report: JsonObject = { level, serializedLevel: serializedLevel[level] };
    if (level === "all") {
      report.note =
        "layout transforms of level all are CPU-specific; they run when the session loads " +
        "the artifact";
    }
    return { model: optimized, report };
  } catch (error) {
    if (isMlbuildError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RuntimeFailure("OPTIMIZE_FAILED", `Graph optimisation (${level}) failed: ${reason}`, {
      hint: "Build without --optimize, or report the model to mlbuild with --verbose output.",
      cause: error,
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
