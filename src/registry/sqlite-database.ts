import BetterSqlite3 from "better-sqlite3";
import { RuntimeFailure } from "../errors.js";
import type { Database, Queryable, RunResult, SqlValue } from "./database.js";

type Params = readonly SqlValue[];

/** better-sqlite3 binds booleans as integers only when told; keep SQL portable by converting. */
function bind(params: Params): unknown[] {
  return params.map((value) => (typeof value === "boolean" ? (value ? 1 : 0) : value));
}

/**
 * SQLite through better-sqlite3 with WAL, foreign keys and a busy timeout, so two mlbuild
 * processes on one registry wait for each other instead of failing.
 */
export class SqliteDatabase implements Database {
  readonly dialect = "sqlite" as const;
  private readonly connection: BetterSqlite3.Database;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    options: { readonly?: boolean } = {},
  ) {
    try {
      this.connection = new BetterSqlite3(file, {
        readonly: options.readonly ?? false,
        fileMustExist: true,
      });
      this.connection.pragma("busy_timeout = 30000");
      if (!options.readonly) this.connection.pragma("journal_mode = WAL");
      this.connection.pragma("foreign_keys = ON");
      this.connection.defaultSafeIntegers(false);
    } catch (error) {
      throw new RuntimeFailure("REGISTRY_OPEN_FAILED", `Cannot open the registry at ${file}`, {
        hint: "Check the file's permissions, or run `mlbuild doctor`.",
        cause: error,
      });
    }
  }

  static create(file: string): SqliteDatabase {
    new BetterSqlite3(file).close();
    return new SqliteDatabase(file);
  }

  async all<Row>(sql: string, params: Params = []): Promise<Row[]> {
    return this.connection.prepare(sql).all(...bind(params)) as Row[];
  }

  async get<Row>(sql: string, params: Params = []): Promise<Row | undefined> {
    return this.connection.prepare(sql).get(...bind(params)) as Row | undefined;
  }

  async run(sql: string, params: Params = []): Promise<RunResult> {
    const result = this.connection.prepare(sql).run(...bind(params));
    return { changes: result.changes };
  }

  async exec(sql: string): Promise<void> {
    this.connection.exec(sql);
  }

  /** Integrity check for `doctor`: SQLite's own verdict, "ok" when healthy. */
  integrityCheck(): string {
    const rows = this.connection.pragma("integrity_check") as Array<{ integrity_check: string }>;
    return rows.map((row) => row.integrity_check).join("; ");
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    // One connection serves the whole process, so transactions from concurrent async callers
    // must queue; BEGIN IMMEDIATE then serialises writers across processes.
    const next = this.queue.then(async () => {
      this.connection.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(this);
        this.connection.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.connection.inTransaction) this.connection.exec("ROLLBACK");
        throw error;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async describe(): Promise<{ backend: "sqlite"; version: string; location: string }> {
    const row = this.connection.prepare("SELECT sqlite_version() AS version").get() as {
      version: string;
    };
    return { backend: "sqlite", version: row.version, location: this.file };
  }

  async close(): Promise<void> {
    if (this.connection.open) this.connection.close();
  }
}
