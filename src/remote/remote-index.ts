import { Readable } from "node:stream";
import { decodeDocument, encodeDocument } from "./documents.js";
import { remoteFormatTooNew } from "./errors.js";
import { formatKey, parseKey, remoteFormatVersion } from "./layout.js";
import type { Remote } from "./remote.js";

export interface RemoteTagMoveEntry {
  key: string;
  seq: number;
  digest: string;
}

/** What a remote holds, learnt from one listing. */
export interface RemoteIndex {
  hasFormat: boolean;
  objects: Set<string>;
  builds: Set<string>;
  benchmarks: Map<string, Set<string>>;
  /** Each tag's moves in order. */
  tagMoves: Map<string, RemoteTagMoveEntry[]>;
  /** Each run's snapshot digests (one, once a sync has pruned the older ones). */
  runs: Map<string, string[]>;
}

interface FormatDocument {
  format: string;
  version: number;
}

/** Lists the remote once and checks its format version before anything is read or written. */
export async function readRemoteIndex(remote: Remote): Promise<RemoteIndex> {
  const index: RemoteIndex = {
    hasFormat: false,
    objects: new Set(),
    builds: new Set(),
    benchmarks: new Map(),
    tagMoves: new Map(),
    runs: new Map(),
  };
  for (const entry of await remote.list("")) {
    const parsed = parseKey(entry.key);
    if (!parsed) continue;
    if (parsed.kind === "format") index.hasFormat = true;
    else if (parsed.kind === "object") index.objects.add(parsed.hash);
    else if (parsed.kind === "build") index.builds.add(parsed.buildId);
    else if (parsed.kind === "benchmark") {
      const forBuild = index.benchmarks.get(parsed.buildId) ?? new Set<string>();
      index.benchmarks.set(parsed.buildId, forBuild.add(parsed.benchmarkId));
    } else if (parsed.kind === "tagMove") {
      const moves = index.tagMoves.get(parsed.name) ?? [];
      moves.push({ key: entry.key, seq: parsed.seq, digest: parsed.digest });
      index.tagMoves.set(parsed.name, moves);
    } else {
      index.runs.set(parsed.runId, [...(index.runs.get(parsed.runId) ?? []), parsed.digest]);
    }
  }
  for (const moves of index.tagMoves.values()) moves.sort((a, b) => a.seq - b.seq);

  if (index.hasFormat) {
    const format = decodeDocument<FormatDocument>(await readBytes(remote, formatKey), formatKey);
    if (!(format.version <= remoteFormatVersion)) {
      throw remoteFormatTooNew(remote.location, format.version, remoteFormatVersion);
    }
  }
  return index;
}

/** Marks a fresh remote with our format version before the first write. */
export async function ensureFormat(remote: Remote, index: RemoteIndex): Promise<void> {
  if (index.hasFormat) return;
  const document: FormatDocument = { format: "mlbuild-remote", version: remoteFormatVersion };
  await remote.put(formatKey, Readable.from([encodeDocument(document)]));
  index.hasFormat = true;
}

/** Small documents only: the whole value is held in memory. */
export async function readBytes(remote: Remote, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await remote.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readDocument<T>(remote: Remote, key: string): Promise<T> {
  return decodeDocument<T>(await readBytes(remote, key), key);
}

export async function writeDocument(remote: Remote, key: string, value: unknown): Promise<void> {
  await remote.put(key, Readable.from([encodeDocument(value)]));
}
