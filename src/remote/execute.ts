import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { RuntimeFailure } from "../errors.js";
import type { BenchmarkRecord } from "../registry/records.js";
import {
  exportRun,
  importBenchmark,
  importBuild,
  importRun,
  replaceTagHistory,
} from "../registry/transfer.js";
import { hashPattern } from "../store/object-store.js";
import type { Workspace } from "../workspace.js";
import {
  benchmarkDocument,
  benchmarkFromDocument,
  buildDocument,
  buildFromDocument,
  runDigest,
  runDocument,
  tagMoveDigest,
} from "./documents.js";
import { remoteKeys } from "./layout.js";
import type { TransferPlan } from "./plan.js";
import type { Remote } from "./remote.js";
import { ensureFormat, type RemoteIndex, readDocument, writeDocument } from "./remote-index.js";

export interface TransferCounts {
  objects: number;
  bytes: number;
  builds: number;
  benchmarks: number;
  tagMoves: number;
  runs: number;
}

export function emptyCounts(): TransferCounts {
  return { objects: 0, bytes: 0, builds: 0, benchmarks: 0, tagMoves: 0, runs: 0 };
}

export type Progress = (message: string) => void;

/** Small documents go a few at a time; each is one request, so latency dominates. */
const documentsInFlight = 8;

/**
 * Applies the incoming half of a plan. Objects arrive first, each verified by its SHA-256 as it
 * streams into the store; then every record lands in one transaction. A pull killed halfway
 * leaves at most whole, verified objects that nothing refers to yet (the next pull reuses them).
 */
export async function applyDownloads(
  workspace: Workspace,
  remote: Remote,
  plan: TransferPlan,
  progress: Progress,
): Promise<TransferCounts> {
  const counts = emptyCounts();
  const { store, registry } = workspace;
  for (const build of plan.download.builds) {
    if (!hashPattern.test(build.artifactHash)) {
      throw new RuntimeFailure(
        "REMOTE_DOCUMENT_INVALID",
        `Build ${build.buildId} on the remote names no valid artifact`,
      );
    }
    if (store.has(build.artifactHash)) continue;
    progress(
      `receiving artifact ${build.artifactHash.slice(0, 12)} of ` +
        `build ${build.buildId.slice(0, 12)}`,
    );
    const stream = await remote.get(remoteKeys.object(build.artifactHash));
    const stored = await store.putStream(stream, build.artifactHash);
    counts.objects += 1;
    counts.bytes += stored.size;
  }

  const benchmarks = await mapLimited(plan.download.benchmarks, documentsInFlight, (key) =>
    readDocument<Parameters<typeof benchmarkFromDocument>[0]>(
      remote,
      remoteKeys.benchmark(key.buildId, key.benchmarkId),
    ).then(benchmarkFromDocument),
  );

  await registry.transaction(async (tx) => {
    for (const build of plan.download.builds) {
      if (await importBuild(tx, buildFromDocument(build))) counts.builds += 1;
    }
    for (const benchmark of benchmarks) {
      if (await importBenchmark(tx, benchmark)) counts.benchmarks += 1;
    }
    for (const tag of plan.download.tags) {
      if (!tag.localReplace) continue;
      await replaceTagHistory(tx, tag.name, tag.localReplace.fromSeq, tag.localReplace.moves);
      counts.tagMoves += tag.localReplace.moves.length;
    }
    for (const run of plan.download.runs) {
      await importRun(tx, run);
      counts.runs += 1;
    }
  });
  return counts;
}

/**
 * Applies the outgoing half. Order matters for readers of the remote: an object before the
 * build that names it, a build before its benchmarks and the tags that point at it.
 */
export async function applyUploads(
  workspace: Workspace,
  remote: Remote,
  index: RemoteIndex,
  plan: TransferPlan,
  progress: Progress,
): Promise<TransferCounts> {
  const counts = emptyCounts();
  const { registry } = workspace;
  const hasWork =
    plan.upload.objects.length +
      plan.upload.builds.length +
      plan.upload.benchmarks.length +
      plan.upload.tags.length +
      plan.upload.runs.length >
    0;
  if (!hasWork) return counts;
  await ensureFormat(remote, index);

  for (const object of plan.upload.objects) {
    progress(
      `sending artifact ${object.hash.slice(0, 12)} of build ${object.buildId.slice(0, 12)}`,
    );
    counts.bytes += await uploadObject(workspace, remote, object.hash);
    counts.objects += 1;
    progress(`sent object ${counts.objects}/${plan.upload.objects.length}`);
  }

  await mapLimited(plan.upload.builds, documentsInFlight, async (buildId) => {
    const build = await registry.builds.get(buildId);
    if (build) await writeDocument(remote, remoteKeys.build(buildId), buildDocument(build));
    counts.builds += 1;
  });

  await mapLimited(plan.upload.benchmarks, documentsInFlight, async (key) => {
    const record: BenchmarkRecord | undefined = await registry.benchmarks.get(key.benchmarkId);
    if (!record) return;
    const documentKey = remoteKeys.benchmark(key.buildId, key.benchmarkId);
    await writeDocument(remote, documentKey, benchmarkDocument(record));
    counts.benchmarks += 1;
  });

  for (const tag of plan.upload.tags) {
    for (const move of tag.remoteAppend) {
      await writeDocument(
        remote,
        remoteKeys.tagMove(tag.name, move.seq, tagMoveDigest(move)),
        move,
      );
      counts.tagMoves += 1;
    }
  }

  for (const runId of plan.upload.runs) {
    if (await uploadRun(workspace, remote, index, runId, plan.pruneRuns)) counts.runs += 1;
  }
  return counts;
}

/** Streams the artifact up while hashing it; a local copy that fails its hash is taken back. */
async function uploadObject(workspace: Workspace, remote: Remote, hash: string): Promise<number> {
  const digest = createHash("sha256");
  let size = 0;
  async function* hashing(file: string) {
    for await (const chunk of createReadStream(file)) {
      digest.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  const key = remoteKeys.object(hash);
  await remote.put(key, Readable.from(hashing(workspace.store.pathOf(hash))));
  if (digest.digest("hex") !== hash) {
    await remote.delete(key);
    throw new RuntimeFailure(
      "OBJECT_CORRUPT",
      `Object ${hash.slice(0, 12)} fails its hash check here`,
      { hint: "Run `mlbuild doctor`; rebuild the build or pull it from a healthy remote." },
    );
  }
  return size;
}

/** Uploads the run as it is now; with `prune`, removes the snapshots it supersedes. */
async function uploadRun(
  workspace: Workspace,
  remote: Remote,
  index: RemoteIndex,
  runId: string,
  prune: boolean,
): Promise<boolean> {
  const run = await exportRun(workspace.registry.db, runId);
  if (!run) return false;
  const digest = runDigest(run);
  const existing = index.runs.get(runId) ?? [];
  const sent = !existing.includes(digest);
  if (sent) await writeDocument(remote, remoteKeys.run(runId, digest), runDocument(run));
  if (prune) {
    for (const old of existing) if (old !== digest) await remote.delete(remoteKeys.run(runId, old));
  }
  return sent;
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const position = next++;
      results[position] = await work(items[position]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
