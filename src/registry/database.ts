/**
 * The one seam between the registry's SQL and a database driver. Registry code is written once,
 * in portable SQL with `?` placeholders; each driver (SQLite, PostgreSQL) adapts it.
 */

export type SqlValue = string | number | bigint | boolean | null | Uint8Array;

export type Dialect = "sqlite" | "postgres";

export interface RunResult {
  changes: number;
}

export interface Queryable {
  readonly dialect: Dialect;
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** Runs several statements with no parameters (DDL in migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  /**
   * Runs `work` in one transaction: every multi-row change commits whole or not at all.
   * Writers are serialised (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock, with retries),
   * so `work` may run more than once and must touch nothing but the database.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * A transaction that holds the registry's schema lock from its first statement, for
   * migrations. Drivers whose `transaction` already excludes other writers may omit it.
   */
  schemaTransaction?<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A short description for `doctor`: backend, server version, location without secrets. */
  describe(): Promise<{ backend: Dialect; version: string; location: string }>;
  close(): Promise<void>;
}
