import { UsageError } from "../errors.js";
import { insertInCreatedOrder } from "./created-order.js";
import type { Queryable } from "./database.js";
import { parseJsonObject } from "./json.js";
import type { BuildRecord } from "./records.js";

interface BuildRow {
  build_id: string;
  created_at: string;
  name: string | null;
  notes: string | null;
  source_hash: string;
  source_label: string;
  target: string;
  quantization: string;
  config_json: string;
  toolchain_json: string;
  artifact_hash: string;
  artifact_size: number | string;
  artifact_location: string;
  summary_json: string;
  accuracy_json: string | null;
}

const columns =
  "build_id, created_at, name, notes, source_hash, source_label, target, quantization, " +
  "config_json, toolchain_json, artifact_hash, artifact_size, artifact_location, summary_json, " +
  "accuracy_json";

function fromRow(row: BuildRow): BuildRecord {
  return {
    buildId: row.build_id,
    createdAt: row.created_at,
    name: row.name,
    notes: row.notes,
    sourceHash: row.source_hash,
    sourceLabel: row.source_label,
    target: row.target,
    quantization: row.quantization,
    config: parseJsonObject(row.config_json) ?? {},
    toolchain: parseJsonObject(row.toolchain_json) ?? {},
    artifactHash: row.artifact_hash,
    artifactSize: Number(row.artifact_size),
    artifactLocation: row.artifact_location,
    summary: parseJsonObject(row.summary_json) ?? {},
    accuracy: parseJsonObject(row.accuracy_json),
  };
}

export const fullIdPattern = /^[0-9a-f]{64}$/;
export const prefixPattern = /^[0-9a-f]{4,64}$/;

export class BuildTable {
  constructor(private readonly db: Queryable) {}

  /** Inserts the build unless its ID exists; returns whether it was new. */
  async insert(build: BuildRecord, db: Queryable = this.db): Promise<boolean> {
    if (await this.get(build.buildId, db)) return false;
    await insertInCreatedOrder(db, "builds", columns, [
      build.buildId,
      build.createdAt,
      build.name,
      build.notes,
      build.sourceHash,
      build.sourceLabel,
      build.target,
      build.quantization,
      JSON.stringify(build.config),
      JSON.stringify(build.toolchain),
      build.artifactHash,
      build.artifactSize,
      build.artifactLocation,
      JSON.stringify(build.summary),
      build.accuracy === null ? null : JSON.stringify(build.accuracy),
    ]);
    return true;
  }

  async get(buildId: string, db: Queryable = this.db): Promise<BuildRecord | undefined> {
    const row = await db.get<BuildRow>(`SELECT ${columns} FROM builds WHERE build_id = ?`, [
      buildId,
    ]);
    return row ? fromRow(row) : undefined;
  }

  /** Newest first. */
  async list(options: { limit?: number; offset?: number } = {}): Promise<BuildRecord[]> {
    const rows = await this.db.all<BuildRow>(
      `SELECT ${columns} FROM builds ORDER BY created_seq DESC LIMIT ? OFFSET ?`,
      [options.limit ?? 1_000_000, options.offset ?? 0],
    );
    return rows.map(fromRow);
  }

  async count(): Promise<number> {
    const row = await this.db.get<{ total: number | string }>(
      "SELECT COUNT(*) AS total FROM builds",
    );
    return Number(row?.total ?? 0);
  }

  async idsWithPrefix(prefix: string): Promise<string[]> {
    const rows = await this.db.all<{ build_id: string }>(
      "SELECT build_id FROM builds WHERE build_id >= ? AND build_id < ? ORDER BY build_id LIMIT 20",
      [prefix, `${prefix}g`],
    );
    return rows.map((row) => row.build_id);
  }

  async setAccuracy(buildId: string, accuracy: BuildRecord["accuracy"]): Promise<void> {
    await this.db.run("UPDATE builds SET accuracy_json = ? WHERE build_id = ?", [
      accuracy === null ? null : JSON.stringify(accuracy),
      buildId,
    ]);
  }

  async setArtifactLocation(buildId: string, location: string): Promise<void> {
    await this.db.run("UPDATE builds SET artifact_location = ? WHERE build_id = ?", [
      location,
      buildId,
    ]);
  }
}

/** Resolves a full ID or a unique prefix (4+ hex characters), as Git does. */
export async function resolveBuildId(builds: BuildTable, reference: string): Promise<string> {
  const lowered = reference.toLowerCase();
  if (!prefixPattern.test(lowered)) throw unknownReference(reference);

  const candidates = await builds.idsWithPrefix(lowered);
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) throw unknownReference(reference);
  throw new UsageError(
    "REF_AMBIGUOUS",
    `The prefix '${reference}' matches ${candidates.length} builds: ` +
      candidates.map((id) => id.slice(0, 12)).join(", "),
    {
      hint: "Give more characters of the build ID.",
      details: { candidates },
    },
  );
}

export function unknownReference(reference: string): UsageError {
  return new UsageError("REF_UNKNOWN", `No build or tag named '${reference}'`, {
    hint: "Run `mlbuild log` to list builds or `mlbuild tag list` to list tags.",
  });
}
