import { insertInCreatedOrder } from "./created-order.js";
import type { Queryable } from "./database.js";
import { decodeSamples, encodeSamples, parseJsonObject } from "./json.js";
import type { BenchmarkRecord } from "./records.js";

interface BenchmarkRow {
  benchmark_id: string;
  build_id: string;
  created_at: string;
  kind: string;
  testbed_hash: string;
  testbed_json: string;
  config_json: string;
  summary_json: string;
  samples: Uint8Array;
  warmup_samples: Uint8Array;
}

const columns =
  "benchmark_id, build_id, created_at, kind, testbed_hash, testbed_json, config_json, " +
  "summary_json, samples, warmup_samples";

function fromRow(row: BenchmarkRow): BenchmarkRecord {
  return {
    benchmarkId: row.benchmark_id,
    buildId: row.build_id,
    createdAt: row.created_at,
    kind: row.kind,
    testbedHash: row.testbed_hash,
    testbed: parseJsonObject(row.testbed_json) ?? {},
    config: parseJsonObject(row.config_json) ?? {},
    summary: parseJsonObject(row.summary_json) ?? {},
    samples: decodeSamples(row.samples),
    warmupSamples: decodeSamples(row.warmup_samples),
  };
}

/** `mlbuild profile` records: per-op timings in the summary, samples slowed by the profiler. */
export const profileKind = "profile";

export class BenchmarkTable {
  constructor(private readonly db: Queryable) {}

  /** Inserts a benchmark with all its samples in one statement: no half-record can exist. */
  async insert(record: BenchmarkRecord, db: Queryable = this.db): Promise<boolean> {
    const exists = await db.get("SELECT benchmark_id FROM benchmarks WHERE benchmark_id = ?", [
      record.benchmarkId,
    ]);
    if (exists) return false;
    await insertInCreatedOrder(db, "benchmarks", columns, [
      record.benchmarkId,
      record.buildId,
      record.createdAt,
      record.kind,
      record.testbedHash,
      JSON.stringify(record.testbed),
      JSON.stringify(record.config),
      JSON.stringify(record.summary),
      encodeSamples(record.samples),
      encodeSamples(record.warmupSamples),
    ]);
    return true;
  }

  async get(benchmarkId: string): Promise<BenchmarkRecord | undefined> {
    const row = await this.db.get<BenchmarkRow>(
      `SELECT ${columns} FROM benchmarks WHERE benchmark_id = ?`,
      [benchmarkId],
    );
    return row ? fromRow(row) : undefined;
  }

  /**
   * Newest first; optionally only those measured on one testbed. Without `kind`, every kind
   * whose samples are latencies: profiles are left out, since the profiler slows the runs.
   */
  async forBuild(
    buildId: string,
    options: { testbedHash?: string; limit?: number; kind?: string } = {},
  ): Promise<BenchmarkRecord[]> {
    const kindFilter = options.kind === undefined ? " AND kind <> ?" : " AND kind = ?";
    const filter = (options.testbedHash ? " AND testbed_hash = ?" : "") + kindFilter;
    const params = options.testbedHash ? [buildId, options.testbedHash] : [buildId];
    params.push(options.kind ?? profileKind);
    const rows = await this.db.all<BenchmarkRow>(
      `SELECT ${columns} FROM benchmarks WHERE build_id = ?${filter} ` +
        "ORDER BY created_seq DESC LIMIT ?",
      [...params, options.limit ?? 1_000_000],
    );
    return rows.map(fromRow);
  }

  async latest(
    buildId: string,
    options: { testbedHash?: string; kind?: string } = {},
  ): Promise<BenchmarkRecord | undefined> {
    return (await this.forBuild(buildId, { ...options, limit: 1 }))[0];
  }

  /** The latest summary of each build, without loading samples (for `log`). */
  async latestSummaries(buildIds: string[]): Promise<Map<string, BenchmarkRecord["summary"]>> {
    const result = new Map<string, BenchmarkRecord["summary"]>();
    if (buildIds.length === 0) return result;
    const placeholders = buildIds.map(() => "?").join(", ");
    const rows = await this.db.all<{ build_id: string; summary_json: string }>(
      "SELECT b.build_id, b.summary_json FROM benchmarks b " +
        "JOIN (SELECT build_id, MAX(created_seq) AS seq FROM benchmarks " +
        `WHERE build_id IN (${placeholders}) AND kind <> ? GROUP BY build_id) latest ` +
        "ON latest.build_id = b.build_id AND latest.seq = b.created_seq",
      [...buildIds, profileKind],
    );
    for (const row of rows) result.set(row.build_id, parseJsonObject(row.summary_json) ?? {});
    return result;
  }

  async allIds(): Promise<string[]> {
    const rows = await this.db.all<{ benchmark_id: string }>(
      "SELECT benchmark_id FROM benchmarks ORDER BY created_seq",
    );
    return rows.map((row) => row.benchmark_id);
  }
}
