import { UsageError } from "../errors.js";
import type { Queryable } from "./database.js";
import type { TagAction, TagMove, TagRecord } from "./records.js";

/** Docker's rule for tag names. */
export const tagNamePattern = /^[A-Za-z0-9_.-]{1,128}$/;

export function assertTagName(name: string): void {
  if (!tagNamePattern.test(name)) {
    throw new UsageError("TAG_NAME_INVALID", `'${name}' is not a valid tag name`, {
      hint: "Use 1 to 128 characters from A-Z, a-z, 0-9, '_', '.' and '-'.",
    });
  }
}

interface TagMoveRow {
  name: string;
  seq: number | string;
  action: TagAction;
  build_id: string | null;
  previous_build_id: string | null;
  moved_at: string;
}

function moveFromRow(row: TagMoveRow): TagMove {
  return {
    name: row.name,
    seq: Number(row.seq),
    action: row.action,
    buildId: row.build_id,
    previousBuildId: row.previous_build_id,
    movedAt: row.moved_at,
  };
}

export class TagTable {
  constructor(private readonly db: Queryable) {}

  async get(name: string, db: Queryable = this.db): Promise<TagRecord | undefined> {
    const row = await db.get<{ name: string; build_id: string; updated_at: string }>(
      "SELECT name, build_id, updated_at FROM tags WHERE name = ?",
      [name],
    );
    return row && { name: row.name, buildId: row.build_id, updatedAt: row.updated_at };
  }

  async list(): Promise<TagRecord[]> {
    const rows = await this.db.all<{ name: string; build_id: string; updated_at: string }>(
      "SELECT name, build_id, updated_at FROM tags ORDER BY name",
    );
    return rows.map((row) => ({
      name: row.name,
      buildId: row.build_id,
      updatedAt: row.updated_at,
    }));
  }

  async forBuild(buildId: string): Promise<string[]> {
    const rows = await this.db.all<{ name: string }>(
      "SELECT name FROM tags WHERE build_id = ? ORDER BY name",
      [buildId],
    );
    return rows.map((row) => row.name);
  }

  async forBuilds(buildIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    if (buildIds.length === 0) return result;
    const placeholders = buildIds.map(() => "?").join(", ");
    const rows = await this.db.all<{ name: string; build_id: string }>(
      `SELECT name, build_id FROM tags WHERE build_id IN (${placeholders}) ORDER BY name`,
      buildIds,
    );
    for (const row of rows) {
      result.set(row.build_id, [...(result.get(row.build_id) ?? []), row.name]);
    }
    return result;
  }

  async history(name: string): Promise<TagMove[]> {
    const rows = await this.db.all<TagMoveRow>(
      "SELECT name, seq, action, build_id, previous_build_id, moved_at FROM tag_history " +
        "WHERE name = ? ORDER BY seq",
      [name],
    );
    return rows.map(moveFromRow);
  }

  /** Every move of every tag, for pushing history to a remote. */
  async allHistory(): Promise<TagMove[]> {
    const rows = await this.db.all<TagMoveRow>(
      "SELECT name, seq, action, build_id, previous_build_id, moved_at FROM tag_history " +
        "ORDER BY name, seq",
    );
    return rows.map(moveFromRow);
  }

  /**
   * Points `name` at `buildId` and appends the move to the tag's history. Call inside a
   * transaction so the tag and its history change together.
   */
  async set(tx: Queryable, name: string, buildId: string, options: { force?: boolean } = {}) {
    assertTagName(name);
    const existing = await this.get(name, tx);
    if (existing?.buildId === buildId) return { changed: false, previous: existing.buildId };
    if (existing && !options.force) {
      throw new UsageError(
        "TAG_EXISTS",
        `Tag '${name}' already points at ${existing.buildId.slice(0, 12)}`,
        { hint: "Add --force to move it; the move is kept in the tag's history." },
      );
    }

    const now = new Date().toISOString();
    if (existing) {
      await tx.run("UPDATE tags SET build_id = ?, updated_at = ? WHERE name = ?", [
        buildId,
        now,
        name,
      ]);
    } else {
      await tx.run("INSERT INTO tags (name, build_id, updated_at) VALUES (?, ?, ?)", [
        name,
        buildId,
        now,
      ]);
    }
    await this.appendHistory(tx, name, existing ? "move" : "create", buildId, existing?.buildId);
    return { changed: true, previous: existing?.buildId ?? null };
  }

  async delete(tx: Queryable, name: string): Promise<TagRecord> {
    const existing = await this.get(name, tx);
    if (!existing) {
      throw new UsageError("TAG_UNKNOWN", `No tag named '${name}'`, {
        hint: "Run `mlbuild tag list` to see the tags.",
      });
    }
    await tx.run("DELETE FROM tags WHERE name = ?", [name]);
    await this.appendHistory(tx, name, "delete", null, existing.buildId);
    return existing;
  }

  async appendHistory(
    tx: Queryable,
    name: string,
    action: TagAction,
    buildId: string | null,
    previousBuildId: string | null | undefined,
    movedAt = new Date().toISOString(),
  ): Promise<void> {
    const last = await tx.get<{ seq: number | string | null }>(
      "SELECT MAX(seq) AS seq FROM tag_history WHERE name = ?",
      [name],
    );
    await tx.run(
      "INSERT INTO tag_history (name, seq, action, build_id, previous_build_id, moved_at) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
      [name, Number(last?.seq ?? 0) + 1, action, buildId, previousBuildId ?? null, movedAt],
    );
  }
}
