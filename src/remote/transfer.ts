import { UsageError } from "../errors.js";
import { prefixPattern } from "../registry/builds.js";
import type { Workspace } from "../workspace.js";
import {
  applyDownloads,
  applyUploads,
  emptyCounts,
  type Progress,
  type TransferCounts,
} from "./execute.js";
import { planTransfer, type Selection, type TransferPlan } from "./plan.js";
import type { Direction, TagConflict } from "./plan-tags.js";
import type { Remote } from "./remote.js";
import { type RemoteIndex, readRemoteIndex } from "./remote-index.js";
import type { Prefer } from "./tag-merge.js";

export interface TransferOptions {
  prefer?: Prefer;
  /** Plan only: report what would move, change nothing on either side. */
  dryRun?: boolean;
  progress?: Progress;
}

export interface TransferResult {
  dryRun: boolean;
  /** What the plan would move (the same as what moved, unless dry-run). */
  planned: { upload: TransferCounts; download: TransferCounts };
  uploaded: TransferCounts;
  downloaded: TransferCounts;
  conflicts: TagConflict[];
  warnings: string[];
}

/** `push REF`, `push TAG`, or `push --all`. */
export async function push(
  workspace: Workspace,
  remote: Remote,
  reference: string | "--all",
  options: TransferOptions = {},
): Promise<TransferResult> {
  const selection = await localSelection(workspace, reference);
  return transfer(workspace, remote, selection, "push", options);
}

/** `pull REF` or `pull TAG`: the reference may name a build that only the remote has. */
export async function pull(
  workspace: Workspace,
  remote: Remote,
  reference: string,
  options: TransferOptions = {},
): Promise<TransferResult> {
  return transfer(workspace, remote, reference, "pull", options);
}

/** Both directions, everything, from one listing of the remote. */
export async function sync(
  workspace: Workspace,
  remote: Remote,
  options: TransferOptions = {},
): Promise<TransferResult> {
  return transfer(workspace, remote, { builds: "all", tags: "all" }, "sync", options);
}

async function transfer(
  workspace: Workspace,
  remote: Remote,
  selection: Selection | string,
  direction: Direction,
  options: TransferOptions,
): Promise<TransferResult> {
  const progress = options.progress ?? (() => undefined);
  const index = await readRemoteIndex(remote);
  const chosen =
    typeof selection === "string" ? await remoteSelection(workspace, index, selection) : selection;
  const plan = await planTransfer(workspace, remote, index, chosen, direction, options.prefer);
  const result: TransferResult = {
    dryRun: options.dryRun ?? false,
    planned: summarize(plan),
    uploaded: emptyCounts(),
    downloaded: emptyCounts(),
    conflicts: plan.conflicts,
    warnings: plan.warnings,
  };
  if (options.dryRun) return result;

  result.downloaded = await applyDownloads(workspace, remote, plan, progress);
  result.uploaded = await applyUploads(workspace, remote, index, plan, progress);
  return result;
}

function summarize(plan: TransferPlan): TransferResult["planned"] {
  const tagMoves = (tags: TransferPlan["upload"]["tags"], side: "up" | "down") =>
    tags.reduce(
      (total, tag) =>
        total + (side === "up" ? tag.remoteAppend.length : (tag.localReplace?.moves.length ?? 0)),
      0,
    );
  return {
    upload: {
      objects: plan.upload.objects.length,
      bytes: 0,
      builds: plan.upload.builds.length,
      benchmarks: plan.upload.benchmarks.length,
      tagMoves: tagMoves(plan.upload.tags, "up"),
      runs: plan.upload.runs.length,
    },
    download: {
      objects: plan.download.builds.filter((build) => build.artifactHash).length,
      bytes: plan.download.builds.reduce((total, build) => total + build.artifactSize, 0),
      builds: plan.download.builds.length,
      benchmarks: plan.download.benchmarks.length,
      tagMoves: tagMoves(plan.download.tags, "down"),
      runs: plan.download.runs.length,
    },
  };
}

/** What `push` sends: a tag brings its history and its build; a build reference brings itself. */
async function localSelection(workspace: Workspace, reference: string): Promise<Selection> {
  if (reference === "--all") return { builds: "all", tags: "all" };
  const tag = await workspace.registry.tags.get(reference);
  if (tag) return { builds: [tag.buildId], tags: [reference] };
  const build = await workspace.registry.resolve(reference);
  return { builds: [build.buildId], tags: [] };
}

/** Resolves `pull`'s reference against the remote's listing: a tag, then a build ID prefix. */
async function remoteSelection(
  workspace: Workspace,
  index: RemoteIndex,
  reference: string,
): Promise<Selection> {
  if (index.tagMoves.has(reference)) return { builds: [], tags: [reference] };

  const lowered = reference.toLowerCase();
  if (prefixPattern.test(lowered)) {
    const candidates = [...index.builds].filter((buildId) => buildId.startsWith(lowered)).sort();
    if (candidates.length === 1) return { builds: candidates, tags: [] };
    if (candidates.length > 1) {
      throw new UsageError(
        "REF_AMBIGUOUS",
        `The prefix '${reference}' matches ${candidates.length} builds on the remote: ` +
          candidates
            .slice(0, 10)
            .map((id) => id.slice(0, 12))
            .join(", "),
        { hint: "Give more characters of the build ID.", details: { candidates } },
      );
    }
  }
  const local = await workspace.registry.tags.get(reference);
  throw new UsageError("REF_UNKNOWN", `The remote has no build or tag named '${reference}'`, {
    hint: local
      ? `'${reference}' is a tag here only; \`mlbuild push ${reference}\` sends it.`
      : "Run `mlbuild sync --dry-run` to see what the remote holds.",
  });
}
