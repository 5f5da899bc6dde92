import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BuildRecord } from "../registry/records.js";
import type { Registry } from "../registry/registry.js";
import { initWorkspace, type Workspace } from "../workspace.js";

/**
 * For tracking's tests: a fresh SQLite registry in a temporary folder, and a build record to
 * attach (tracking only needs the row; building a model is the build tests' business).
 */
export async function temporaryWorkspace(): Promise<Workspace> {
  const root = path.join(mkdtempSync(path.join(os.tmpdir(), "mlbuild-tracking-")), ".mlbuild");
  return (await initWorkspace({ registryDir: root })).workspace;
}

export async function insertBuildRecord(registry: Registry, buildId: string): Promise<BuildRecord> {
  const build: BuildRecord = {
    buildId,
    createdAt: new Date().toISOString(),
    name: "tiny",
    notes: null,
    sourceHash: buildId,
    sourceLabel: "tiny.onnx",
    target: "cpu",
    quantization: "fp32",
    config: {},
    toolchain: {},
    artifactHash: buildId,
    artifactSize: 1,
    artifactLocation: "local",
    summary: {},
    accuracy: null,
  };
  await registry.builds.insert(build);
  return build;
}
