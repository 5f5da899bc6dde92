import pg from "pg";
import { isMlbuildError } from "../errors.js";
import type { Database, Queryable, RunResult, SqlValue } from "./database.js";
import {
  isLostConnection,
  isSerializationConflict,
  type PostgresEndpoint,
  parsePostgresUrl,
  registryFailure,
} from "./postgres-errors.js";
import { numberPlaceholders } from "./sql-placeholders.js";

type Params = readonly SqlValue[];

const int8 = 20;
const numeric = 1700;

/** BIGINT and NUMERIC arrive as text; numbers are what the registry means by them. */
function parseNumber(text: string): number | string {
  const value = Number(text);
  const exact = Number.isInteger(value) ? Number.isSafeInteger(value) : text.length <= 16;
  return Number.isFinite(value) && exact ? value : text;
}

const typeParsers = {
  getTypeParser(oid: number, format?: string) {
    if (oid === int8 || oid === numeric) return parseNumber;
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

function bind(params: Params): unknown[] {
  return params.map((value) => {
    if (typeof value === "bigint") return value.toString();
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    return value;
  });
}

/** Any fixed numbers serve, as long as every mlbuild uses the same ones. */
const schemaLockKey = 0x6d6c6275;
const writerLockKey = 0x6d6c6276;
/** How long a command keeps retrying after the server went away (a restart takes seconds). */
const reconnectBudgetMs = 30_000;
/** Serialization conflicts are expected under load; each retry waits a little longer. */
const maxTransactionAttempts = 30;

function ignoreConnectionEvent(): void {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function backoff(attempt: number): number {
  const ceiling = Math.min(500, 5 * 2 ** Math.min(attempt, 10));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** The statements of one transaction, all on the connection that holds it. */
class ClientQueryable implements Queryable {
  readonly dialect = "postgres" as const;
  constructor(private readonly client: pg.PoolClient) {}

  async all<Row>(sql: string, params: Params = []): Promise<Row[]> {
    return (await this.client.query(numberPlaceholders(sql), bind(params))).rows as Row[];
  }

  async get<Row>(sql: string, params: Params = []): Promise<Row | undefined> {
    return (await this.all<Row>(sql, params))[0];
  }

  async run(sql: string, params: Params = []): Promise<RunResult> {
    const result = await this.client.query(numberPlaceholders(sql), bind(params));
    return { changes: result.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
}

/**
 * PostgreSQL through a small `pg` pool, for a registry that many CI runners share. Write
 * transactions hold one advisory lock, so code written for SQLite's one writer at a time
 * (`MAX(seq) + 1` and the like) stays correct here; a deadlock or serialization failure the
 * server still reports reruns the transaction.
 */
export class PostgresDatabase implements Database {
  readonly dialect = "postgres" as const;
  private readonly pool: pg.Pool;
  /** After one success, a refused connection means a restart, worth waiting for. */
  private reachedOnce = false;

  /** `url` is kept by the pool only; messages use `endpoint.display`, which has no password. */
  constructor(
    url: string,
    readonly endpoint: PostgresEndpoint = parsePostgresUrl(url),
  ) {
    this.pool = new pg.Pool({
      // The driver reads the rest of the URL (sslmode, options, ...) and PGPASSWORD/.pgpass.
      connectionString: url,
      connectionTimeoutMillis: endpoint.connectTimeoutMs,
      application_name: "mlbuild",
      max: 4,
      idleTimeoutMillis: 5_000,
      types: typeParsers,
    });
    // An idle connection the server closed (a restart) is replaced on next use; without a
    // listener the pool would crash the process instead.
    this.pool.on("error", () => undefined);
  }

  /** Connects and checks the server answers, so a bad URL fails here with a clear message. */
  static async open(url: string): Promise<PostgresDatabase> {
    const database = new PostgresDatabase(url);
    try {
      await database.get("SELECT 1 AS ok");
    } catch (error) {
      await database.close();
      throw error;
    }
    return database;
  }

  async all<Row>(sql: string, params: Params = []): Promise<Row[]> {
    const text = numberPlaceholders(sql);
    const result = await this.withReconnect(() => this.pool.query(text, bind(params)));
    return result.rows as Row[];
  }

  async get<Row>(sql: string, params: Params = []): Promise<Row | undefined> {
    return (await this.all<Row>(sql, params))[0];
  }

  async run(sql: string, params: Params = []): Promise<RunResult> {
    const text = numberPlaceholders(sql);
    const result = await this.withReconnect(() => this.pool.query(text, bind(params)));
    return { changes: result.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.withReconnect(() => this.pool.query(sql));
  }

  /**
   * Runs `work` on one connection, one writer at a time. A serialization failure or deadlock, or a
   * connection lost before COMMIT, rolls everything back on the server, so `work` runs again;
   * it must therefore touch nothing but the database. A connection lost during COMMIT leaves
   * the outcome unknown, which is reported, never guessed.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    // Writers take turns, as SQLite's BEGIN IMMEDIATE makes them: under SERIALIZABLE every two
    // concurrent builds conflict on `MAX(created_seq)`, and 8 writers spent their time in
    // retries (34 builds/s against 85 for one writer). Queueing on a lock wastes nothing.
    return this.runTransaction(`BEGIN; SELECT pg_advisory_xact_lock(${writerLockKey})`, work);
  }

  /**
   * READ COMMITTED behind an advisory lock: each statement after the lock sees what the
   * previous holder committed, which a SERIALIZABLE snapshot taken before the wait would not.
   */
  schemaTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.runTransaction(`BEGIN; SELECT pg_advisory_xact_lock(${schemaLockKey})`, work);
  }

  private async runTransaction<T>(begin: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      let committing = false;
      let client: pg.PoolClient | undefined;
      try {
        client = await this.pool.connect();
        // A server shutdown also arrives as an event; the pending query fails on its own.
        client.on("error", ignoreConnectionEvent);
        await client.query(begin);
        const result = await work(new ClientQueryable(client));
        committing = true;
        await client.query("COMMIT");
        client.off("error", ignoreConnectionEvent);
        client.release();
        this.reachedOnce = true;
        return result;
      } catch (error) {
        await this.abandon(client, error);
        const conflict = isSerializationConflict(error) && attempt < maxTransactionAttempts;
        const restart =
          !committing && this.mayWaitForServer(error) && Date.now() - started < reconnectBudgetMs;
        if (!conflict && !restart) throw this.failure(error);
        await sleep(backoff(attempt));
      }
    }
  }

  async describe(): Promise<{ backend: "postgres"; version: string; location: string }> {
    const row = await this.get<{ server_version: string }>("SHOW server_version");
    return {
      backend: "postgres",
      version: row?.server_version ?? "unknown",
      location: this.endpoint.display,
    };
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private async withReconnect<T>(query: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await query();
        this.reachedOnce = true;
        return result;
      } catch (error) {
        if (!this.mayWaitForServer(error) || Date.now() - started >= reconnectBudgetMs) {
          throw this.failure(error);
        }
        await sleep(backoff(attempt + 5));
      }
    }
  }

  private mayWaitForServer(error: unknown): boolean {
    if ((error as { code?: string }).code === "57P03") return true;
    return this.reachedOnce && isLostConnection(error);
  }

  /** Rolls back what can be rolled back; a broken connection is dropped from the pool. */
  private async abandon(client: pg.PoolClient | undefined, error: unknown): Promise<void> {
    if (!client) return;
    client.off("error", ignoreConnectionEvent);
    if (isLostConnection(error)) {
      client.release(true);
      return;
    }
    try {
      await client.query("ROLLBACK");
      client.release();
    } catch (rollbackError) {
      client.release(rollbackError instanceof Error ? rollbackError : true);
    }
  }

  private failure(error: unknown): Error {
    // mlbuild's own errors (a tag that exists, say) and bugs in `work` pass through untouched.
    if (isMlbuildError(error)) return error;
    const fromDriver =
      typeof (error as { code?: unknown })?.code === "string" ||
      isLostConnection(error) ||
      /timeout/i.test(String((error as Error)?.message));
    return fromDriver || !(error instanceof Error) ? registryFailure(error, this.endpoint) : error;
  }
}
