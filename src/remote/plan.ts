import { RuntimeFailure } from "../errors.js";
import type { BuildRecord } from "../registry/records.js";
import { exportRun, listRunIds, listTransferable, type RunSnapshot } from "../registry/transfer.js";
import type { Workspace } from "../workspace.js";
import { type RunDocument, runDigest, runFromDocument } from "./documents.js";
import { remoteKeys } from "./layout.js";
import {
  type Direction,
  groupMoves,
  isConflict,
  planTag,
  type TagConflict,
  type TagPlan,
} from "./plan-tags.js";
import type { Remote } from "./remote.js";
import { type RemoteIndex, readDocument } from "./remote-index.js";
import type { Prefer } from "./tag-merge.js";

/** What to move: `all`, or these builds and tags (a pushed or pulled tag brings its build). */
export interface Selection {
  builds: "all" | string[];
  tags: "all" | string[];
}

export interface BenchmarkKey {
  buildId: string;
  benchmarkId: string;
}

export interface TransferPlan {
  upload: {
    objects: Array<{ hash: string; buildId: string }>;
    builds: string[];
    benchmarks: BenchmarkKey[];
    tags: TagPlan[];
    runs: string[];
  };
  download: {
    builds: BuildRecord[];
    benchmarks: BenchmarkKey[];
    tags: TagPlan[];
    runs: RunSnapshot[];
  };
  conflicts: TagConflict[];
  /** Run snapshots on the remote that the uploaded ones supersede (sync only). */
  pruneRuns: boolean;
  warnings: string[];
}

interface LocalState {
  artifacts: Map<string, string>;
  benchmarks: Map<string, string[]>;
  runDigests: Map<string, string>;
  runBuilds: Map<string, string[]>;
}

async function readLocalState(workspace: Workspace): Promise<LocalState> {
  const { artifacts, benchmarks } = await listTransferable(workspace.registry.db);
  const runDigests = new Map<string, string>();
  const runBuilds = new Map<string, string[]>();
  for (const runId of await listRunIds(workspace.registry.db)) {
    const run = await exportRun(workspace.registry.db, runId);
    if (!run) continue;
    runDigests.set(runId, runDigest(run));
    runBuilds.set(
      runId,
      run.builds.map((link) => link.buildId),
    );
  }
  return { artifacts, benchmarks, runDigests, runBuilds };
}

/**
 * Compares this registry with one listing of the remote and decides every transfer. Reads
 * remote documents only for what differs: nothing at all when both sides are in step.
 */
export async function planTransfer(
  workspace: Workspace,
  remote: Remote,
  index: RemoteIndex,
  selection: Selection,
  direction: Direction,
  prefer?: Prefer,
): Promise<TransferPlan> {
  const local = await readLocalState(workspace);
  const plan: TransferPlan = {
    upload: { objects: [], builds: [], benchmarks: [], tags: [], runs: [] },
    download: { builds: [], benchmarks: [], tags: [], runs: [] },
    conflicts: [],
    pruneRuns: direction === "sync",
    warnings: [],
  };
  const pushBuilds = new Set<string>(
    direction === "pull"
      ? []
      : selection.builds === "all"
        ? local.artifacts.keys()
        : selection.builds,
  );
  const pullBuilds = new Set<string>(
    direction === "push" ? [] : selection.builds === "all" ? index.builds : selection.builds,
  );

  await planTags(workspace, remote, index, selection, direction, prefer, plan);
  for (const tag of [...plan.upload.tags, ...plan.download.tags]) {
    if (tag.localReplace && tag.localFinal && !local.artifacts.has(tag.localFinal)) {
      pullBuilds.add(tag.localFinal);
    }
    if (tag.remoteAppend.length > 0 && tag.remoteFinal) pushBuilds.add(tag.remoteFinal);
  }

  if (direction !== "push")
    await planRunDownloads(remote, index, local, selection, pullBuilds, plan);
  await planBuildDownloads(workspace, remote, index, local, pullBuilds, plan);
  planBuildUploads(workspace, index, local, pushBuilds, plan);
  if (direction !== "pull") planRunUploads(index, local, selection, pushBuilds, plan);
  return plan;
}

async function planTags(
  workspace: Workspace,
  remote: Remote,
  index: RemoteIndex,
  selection: Selection,
  direction: Direction,
  prefer: Prefer | undefined,
  plan: TransferPlan,
): Promise<void> {
  const localMoves = groupMoves(await workspace.registry.tags.allHistory());
  const names = new Set<string>();
  if (selection.tags === "all") {
    if (direction !== "pull") for (const name of localMoves.keys()) names.add(name);
    if (direction !== "push") for (const name of index.tagMoves.keys()) names.add(name);
  } else {
    for (const name of selection.tags) names.add(name);
  }

  for (const name of [...names].sort()) {
    const local = localMoves.get(name) ?? [];
    const remoteMoves = index.tagMoves.get(name) ?? [];
    const decided = await planTag(remote, name, local, remoteMoves, direction, prefer);
    if (!decided) continue;
    if (isConflict(decided)) {
      plan.conflicts.push(decided);
      continue;
    }
    if (decided.localReplace) plan.download.tags.push(decided);
    if (decided.remoteAppend.length > 0) plan.upload.tags.push(decided);
  }
}

async function planBuildDownloads(
  workspace: Workspace,
  remote: Remote,
  index: RemoteIndex,
  local: LocalState,
  pullBuilds: Set<string>,
  plan: TransferPlan,
): Promise<void> {
  for (const buildId of pullBuilds) {
    if (!index.builds.has(buildId)) {
      if (local.artifacts.has(buildId)) continue;
      throw new RuntimeFailure(
        "REMOTE_BUILD_MISSING",
        `The remote ${remote.location} has no build ${buildId.slice(0, 12)}`,
        { hint: "Push the build from a registry that has it, then pull again." },
      );
    }
    if (!local.artifacts.has(buildId) || !workspace.store.has(local.artifacts.get(buildId) ?? "")) {
      plan.download.builds.push(await readDocument<BuildRecord>(remote, remoteKeys.build(buildId)));
    }
    const known = new Set(local.benchmarks.get(buildId) ?? []);
    for (const benchmarkId of index.benchmarks.get(buildId) ?? []) {
      if (!known.has(benchmarkId)) plan.download.benchmarks.push({ buildId, benchmarkId });
    }
  }
}

function planBuildUploads(
  workspace: Workspace,
  index: RemoteIndex,
  local: LocalState,
  pushBuilds: Set<string>,
  plan: TransferPlan,
): void {
  for (const buildId of pushBuilds) {
    const hash = local.artifacts.get(buildId);
    if (!hash) continue;
    if (!index.objects.has(hash)) {
      if (!workspace.store.has(hash)) {
        plan.warnings.push(`build ${buildId.slice(0, 12)} has no artifact here; not pushed`);
        continue;
      }
      plan.upload.objects.push({ hash, buildId });
    }
    if (!index.builds.has(buildId)) plan.upload.builds.push(buildId);
    const known = index.benchmarks.get(buildId) ?? new Set<string>();
    for (const benchmarkId of local.benchmarks.get(buildId) ?? []) {
      if (!known.has(benchmarkId)) plan.upload.benchmarks.push({ buildId, benchmarkId });
    }
  }
}

/** Fetches run snapshots this registry has not merged yet; their builds come along. */
async function planRunDownloads(
  remote: Remote,
  index: RemoteIndex,
  local: LocalState,
  selection: Selection,
  pullBuilds: Set<string>,
  plan: TransferPlan,
): Promise<void> {
  const wanted = new Set(pullBuilds);
  for (const [runId, digests] of index.runs) {
    for (const digest of digests) {
      if (local.runDigests.get(runId) === digest) continue;
      const run = runFromDocument(
        await readDocument<RunDocument>(remote, remoteKeys.run(runId, digest)),
      );
      const linked = run.builds.map((link) => link.buildId);
      if (selection.builds !== "all" && !linked.some((buildId) => wanted.has(buildId))) continue;
      plan.download.runs.push(run);
      for (const buildId of linked) {
        if (index.builds.has(buildId) && !local.artifacts.has(buildId)) pullBuilds.add(buildId);
      }
    }
  }
}

/**
 * Runs whose snapshot the remote lacks. The executor exports each again after the downloads
 * were merged, so what goes up includes everything both sides logged.
 */
function planRunUploads(
  index: RemoteIndex,
  local: LocalState,
  selection: Selection,
  pushBuilds: Set<string>,
  plan: TransferPlan,
): void {
  const merging = new Set(plan.download.runs.map((run) => run.runId));
  for (const [runId, digest] of local.runDigests) {
    const linked = local.runBuilds.get(runId) ?? [];
    if (selection.builds !== "all" && !linked.some((buildId) => pushBuilds.has(buildId))) continue;
    const remoteDigests = index.runs.get(runId) ?? [];
    const stale = plan.pruneRuns && remoteDigests.length > 1;
    if (!remoteDigests.includes(digest) || stale) merging.add(runId);
  }
  plan.upload.runs.push(...merging);
}
