import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { loadModelBuffer, loadModelFile } from "../onnx/model.js";
import { type ModelSummary, summarizeModel } from "../onnx/summary.js";
import type { Workspace } from "../workspace.js";

export interface InspectResult {
  /** The file inspected, or the build it was resolved from. */
  subject: { kind: "file"; path: string } | { kind: "build"; build_id: string };
  summary: ModelSummary;
}

function looksLikeFile(argument: string, cwd: string): boolean {
  const candidate = path.resolve(cwd, argument);
  return (existsSync(candidate) && statSync(candidate).isFile()) || argument.endsWith(".onnx");
}

/** Inspects a file when the argument names one, else the artifact of a build reference. */
export async function inspectModel(
  argument: string,
  openWorkspace: () => Promise<Workspace>,
  cwd = process.cwd(),
): Promise<InspectResult> {
  if (looksLikeFile(argument, cwd)) {
    const model = await loadModelFile(path.resolve(cwd, argument));
    return { subject: { kind: "file", path: argument }, summary: summarizeModel(model) };
  }
  const workspace = await openWorkspace();
  const build = await workspace.registry.resolve(argument);
  const bytes = await workspace.store.read(build.artifactHash);
  const model = await loadModelBuffer(bytes, { label: build.buildId.slice(0, 12) });
  return { subject: { kind: "build", build_id: build.buildId }, summary: summarizeModel(model) };
}
