/**
 * Where things live on a remote. Every backend stores the same keys:
 *
 *   mlbuild-remote.json                      format version; refused when newer than we know
 *   objects/sha256/<hash>                    artifacts, content-addressed
 *   builds/<build_id>.json                   build records (immutable)
 *   benchmarks/<build_id>/<benchmark_id>.json benchmarks with every raw sample (immutable)
 *   tags/<name>/<seq>-<digest>.json          one document per tag move, numbered
 *   runs/<run_id>/<digest>.json              a run's snapshot; older snapshots are pruned
 *
 * Mutable things (tags, runs) carry a digest of their content in the key, so one listing tells
 * what changed and nothing has to be downloaded to find out that nothing did.
 */

export const formatKey = "mlbuild-remote.json";
/** Bump when a change to this layout would mislead an older mlbuild. */
export const remoteFormatVersion = 1;

const seqWidth = 10;

export const remoteKeys = {
  object: (hash: string) => `objects/sha256/${hash}`,
  build: (buildId: string) => `builds/${buildId}.json`,
  benchmark: (buildId: string, benchmarkId: string) => `benchmarks/${buildId}/${benchmarkId}.json`,
  tagMove: (name: string, seq: number, digest: string) =>
    `tags/${name}/${String(seq).padStart(seqWidth, "0")}-${digest}.json`,
  run: (runId: string, digest: string) => `runs/${runId}/${digest}.json`,
};

export type ParsedKey =
  | { kind: "format" }
  | { kind: "object"; hash: string }
  | { kind: "build"; buildId: string }
  | { kind: "benchmark"; buildId: string; benchmarkId: string }
  | { kind: "tagMove"; name: string; seq: number; digest: string }
  | { kind: "run"; runId: string; digest: string };

const patterns: Array<[RegExp, (match: RegExpExecArray) => ParsedKey]> = [
  [/^objects\/sha256\/([0-9a-f]{64})$/, (m) => ({ kind: "object", hash: m[1] })],
  [/^builds\/([0-9a-f]{64})\.json$/, (m) => ({ kind: "build", buildId: m[1] })],
  [
    /^benchmarks\/([0-9a-f]{64})\/([^/]+)\.json$/,
    (m) => ({ kind: "benchmark", buildId: m[1], benchmarkId: m[2] }),
  ],
  [
    /^tags\/([A-Za-z0-9_.-]{1,128})\/([0-9]+)-([0-9a-f]+)\.json$/,
    (m) => ({ kind: "tagMove", name: m[1], seq: Number(m[2]), digest: m[3] }),
  ],
  [/^runs\/([^/]+)\/([0-9a-f]+)\.json$/, (m) => ({ kind: "run", runId: m[1], digest: m[2] })],
];

/** Undefined for keys this mlbuild does not know (left alone, never deleted). */
export function parseKey(key: string): ParsedKey | undefined {
  if (key === formatKey) return { kind: "format" };
  for (const [pattern, make] of patterns) {
    const match = pattern.exec(key);
    if (match) return make(match);
  }
  return undefined;
}
