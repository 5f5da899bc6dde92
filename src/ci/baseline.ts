/**
 * Where a CI entry's baseline comes from: a tag in this registry, a tag pulled from a remote
 * first, or the model as it is at a Git revision, built here for the same target and
 * quantization so both sides run on the same runner.
 */
import path from "node:path";
import { buildModel } from "../build/build.js";
import type { Quantization } from "../build/identity.js";
import { isMlbuildError } from "../errors.js";
import type { Workspace } from "../workspace.js";
import type { BaselineSetting, CiModel } from "./schema.js";

export type BaselineSource =
  | { kind: "tag"; tag: string; remote?: string }
  | { kind: "git"; revision: string; path?: string };

export function baselineSourceOf(setting: BaselineSetting): BaselineSource {
  if (typeof setting !== "string") {
    return "tag" in setting
      ? { kind: "tag", tag: setting.tag, remote: setting.remote }
      : { kind: "git", revision: setting.git, path: setting.path };
  }
  if (!setting.startsWith("git:")) return { kind: "tag", tag: setting };
  const [revision, ...rest] = setting.slice("git:".length).split(":");
  return { kind: "git", revision, path: rest.length > 0 ? rest.join(":") : undefined };
}

async function pullTag(
  workspace: Workspace,
  tag: string,
  remoteName: string,
  pulled: Set<string>,
): Promise<void> {
  const key = `${remoteName}/${tag}`;
  if (pulled.has(key)) return;
  pulled.add(key);
  const { openConfiguredRemote } = await import("../remote/config.js");
  const { pull } = await import("../remote/transfer.js");
  const { remote } = await openConfiguredRemote(workspace.paths, remoteName);
  try {
    await pull(workspace, remote, tag, { prefer: "remote" });
  } catch (error) {
    // A tag the remote does not have yet is a missing baseline, which `compare` decides on.
    if (!(isMlbuildError(error) && /UNKNOWN|MISSING|NOT_FOUND/.test(error.code))) throw error;
  } finally {
    await remote.close();
  }
}

export interface BaselineRequest {
  model: CiModel;
  target: string;
  quantize: Quantization;
  directory: string;
  /** Tags already pulled in this run: each is pulled once, however many entries use it. */
  pulled: Set<string>;
}

/** The reference `compare` gets for the baseline: a tag name or a build ID. */
export async function prepareBaseline(
  workspace: Workspace,
  source: BaselineSource,
  request: BaselineRequest,
): Promise<string> {
  if (source.kind === "tag") {
    if (source.remote) await pullTag(workspace, source.tag, source.remote, request.pulled);
    return source.tag;
  }
  const modelPath = source.path ?? request.model.path.replace(/^git:[^:]+:/, "");
  const { build } = await buildModel(workspace, {
    model: `git:${source.revision}:${modelPath}`,
    target: request.target,
    quantize: request.quantize,
    calibrationDir: request.model.calibration
      ? path.resolve(request.directory, request.model.calibration)
      : undefined,
    name: request.model.name,
    notes: `baseline built from git:${source.revision}`,
    cwd: request.directory,
  });
  return build.buildId;
}
