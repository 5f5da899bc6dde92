import { UsageError } from "../errors.js";
import type { Database, Dialect, Queryable } from "./database.js";

/**
 * Versioned, append-only schema migrations. The SQL is portable between SQLite and PostgreSQL;
 * the few type names that differ are written as placeholders and filled per dialect.
 * Never edit a released migration: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const typeNames: Record<Dialect, Record<string, string>> = {
  sqlite: { BLOB: "BLOB", FLOAT: "REAL" },
  postgres: { BLOB: "BYTEA", FLOAT: "DOUBLE PRECISION" },
};

export const migrations: Migration[] = [
  {
    version: 1,
    name: "builds, tags, benchmarks, experiments",
    sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE builds (
  build_id TEXT PRIMARY KEY,
  created_seq BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  name TEXT,
  notes TEXT,
  source_hash TEXT NOT NULL,
  source_label TEXT NOT NULL,
  target TEXT NOT NULL,
  quantization TEXT NOT NULL,
  config_json TEXT NOT NULL,
  toolchain_json TEXT NOT NULL,
  artifact_hash TEXT NOT NULL,
  artifact_size BIGINT NOT NULL,
  artifact_location TEXT NOT NULL,
  summary_json TEXT NOT NULL,
  accuracy_json TEXT
);
CREATE INDEX builds_created ON builds (created_seq);
CREATE TABLE tags (
  name TEXT PRIMARY KEY,
  build_id TEXT NOT NULL REFERENCES builds (build_id),
  updated_at TEXT NOT NULL
);
CREATE TABLE tag_history (
  name TEXT NOT NULL,
  seq BIGINT NOT NULL,
  action TEXT NOT NULL,
  build_id TEXT,
  previous_build_id TEXT,
  moved_at TEXT NOT NULL,
  PRIMARY KEY (name, seq)
);
CREATE TABLE benchmarks (
  benchmark_id TEXT PRIMARY KEY,
  build_id TEXT NOT NULL REFERENCES builds (build_id),
  created_seq BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  testbed_hash TEXT NOT NULL,
  testbed_json TEXT NOT NULL,
  config_json TEXT NOT NULL,
  summary_json TEXT NOT NULL,
  samples {{BLOB}} NOT NULL,
  warmup_samples {{BLOB}} NOT NULL
);
CREATE INDEX benchmarks_build ON benchmarks (build_id, created_seq);
CREATE TABLE experiments (
  experiment_id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id),
  name TEXT,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE TABLE run_params (
  run_id TEXT NOT NULL REFERENCES runs (run_id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
CREATE TABLE run_metrics (
  metric_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (run_id),
  key TEXT NOT NULL,
  value {{FLOAT}},
  value_text TEXT,
  step BIGINT NOT NULL,
  logged_at TEXT NOT NULL
);
CREATE INDEX run_metrics_key ON run_metrics (run_id, key, step);
CREATE TABLE run_builds (
  run_id TEXT NOT NULL REFERENCES runs (run_id),
  build_id TEXT NOT NULL REFERENCES builds (build_id),
  attached_at TEXT NOT NULL,
  PRIMARY KEY (run_id, build_id)
);
`,
  },
];

export const latestSchemaVersion = Math.max(...migrations.map((migration) => migration.version));

export function migrationSql(migration: Migration, dialect: Dialect): string {
  return migration.sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => typeNames[dialect][name]);
}

async function tableExists(db: Queryable, table: string): Promise<boolean> {
  const sql =
    db.dialect === "sqlite"
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"
      : "SELECT table_name AS name FROM information_schema.tables " +
        "WHERE table_schema = current_schema() AND table_name = ?";
  return (await db.get(sql, [table])) !== undefined;
}

export async function currentSchemaVersion(db: Queryable): Promise<number> {
  if (!(await tableExists(db, "schema_migrations"))) return 0;
  const row = await db.get<{ version: number | string | null }>(
    "SELECT MAX(version) AS version FROM schema_migrations",
  );
  return Number(row?.version ?? 0);
}

/** Brings the schema up to date; refuses a registry written by a newer mlbuild. */
export async function migrate(db: Database): Promise<{ from: number; to: number }> {
  // Almost every open finds the schema current: one read, no lock, no write.
  const from = await currentSchemaVersion(db);
  assertNotNewer(from);
  if (from === latestSchemaVersion) return { from, to: from };

  // Every pending migration in one transaction, under a lock that makes concurrent migrators
  // (CI runners starting at once) take turns; the later ones find the work done.
  const exclusive = db.schemaTransaction ?? db.transaction;
  await exclusive.call(db, async (tx) => {
    await tx.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations " +
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    const current = await currentSchemaVersion(tx);
    assertNotNewer(current);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await tx.exec(migrationSql(migration, db.dialect));
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
  });
  return { from, to: latestSchemaVersion };
}

export function assertNotNewer(version: number): void {
  if (version > latestSchemaVersion) {
    throw new UsageError(
      "REGISTRY_TOO_NEW",
      `The registry has schema version ${version}; this mlbuild knows up to ${latestSchemaVersion}`,
      { hint: "Upgrade mlbuild to a version that knows this schema; it is never downgraded." },
    );
  }
}
