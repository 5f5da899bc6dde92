import { type MlbuildError, RuntimeFailure, UsageError } from "../errors.js";

/** Where a PostgreSQL registry lives, with the password kept apart so no message can show it. */
export interface PostgresEndpoint {
  /** `postgres://user@host:port/database`: safe to print. */
  display: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** From the URL's `connect_timeout` (seconds, as libpq spells it); 10 s otherwise. */
  connectTimeoutMs: number;
}

const defaultConnectTimeoutMs = 10_000;

export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

export function parsePostgresUrl(text: string): PostgresEndpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidUrl();
  }
  if (!isPostgresUrl(text) || url.pathname.length <= 1) throw invalidUrl();

  const user = decodeURIComponent(url.username) || process.env.PGUSER || "postgres";
  const host = url.hostname || url.searchParams.get("host") || "localhost";
  const port = Number(url.port || 5432);
  const database = decodeURIComponent(url.pathname.slice(1));
  const timeout = Number(url.searchParams.get("connect_timeout"));
  return {
    display: `postgres://${user}@${host}:${port}/${database}`,
    host,
    port,
    database,
    user,
    password: decodeURIComponent(url.password),
    connectTimeoutMs: timeout > 0 ? timeout * 1000 : defaultConnectTimeoutMs,
  };
}

function invalidUrl(): UsageError {
  // The text itself is not echoed: it may hold a password.
  return new UsageError("REGISTRY_URL_INVALID", "The registry URL is not a PostgreSQL URL", {
    hint: "Write it as postgres://USER@HOST:PORT/DATABASE (the password may come from PGPASSWORD).",
  });
}

interface DriverError {
  code?: string;
  message?: string;
}

function driverError(error: unknown): DriverError {
  return typeof error === "object" && error !== null ? (error as DriverError) : {};
}

/** SQLSTATEs after which the server has rolled the transaction back and it may simply rerun. */
export function isSerializationConflict(error: unknown): boolean {
  const code = driverError(error).code;
  return code === "40001" || code === "40P01";
}

const lostConnectionCodes = new Set([
  "57P01", // admin_shutdown: the server is stopping or restarting
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting up
  "08000",
  "08003",
  "08006",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);

/** The connection broke (a restart, a network blip): the server kept nothing uncommitted. */
export function isLostConnection(error: unknown): boolean {
  const { code, message = "" } = driverError(error);
  if (code && lostConnectionCodes.has(code)) return true;
  return /Connection terminated|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

function scrub(text: string, endpoint: PostgresEndpoint): string {
  return endpoint.password ? text.split(endpoint.password).join("***") : text;
}

/**
 * Turns a driver error met while connecting or querying into mlbuild's one-line form. The
 * password never appears: messages name the endpoint's display form only.
 */
export function registryFailure(error: unknown, endpoint: PostgresEndpoint): MlbuildError {
  const { code, message = String(error) } = driverError(error);
  const where = endpoint.display;
  const cause = error;
  if (code === "28P01" || code === "28000") {
    return new UsageError("REGISTRY_AUTH_FAILED", `PostgreSQL at ${where} refused the login`, {
      hint: "Check the user and password in MLBUILD_REGISTRY_URL (or PGPASSWORD).",
      cause,
    });
  }
  if (code === "3D000") {
    return new UsageError("REGISTRY_DATABASE_MISSING", `There is no database at ${where}`, {
      hint: `Create it first (createdb ${endpoint.database}), then run \`mlbuild init\`.`,
      cause,
    });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new UsageError("REGISTRY_UNREACHABLE", `Cannot resolve the host of ${where}`, {
      hint: "Check the host name in the registry URL.",
      cause,
    });
  }
  if (isLostConnection(error) || /timeout|ENETUNREACH|EHOSTUNREACH/i.test(`${code} ${message}`)) {
    return new RuntimeFailure("REGISTRY_UNREACHABLE", `Cannot reach PostgreSQL at ${where}`, {
      hint:
        "Check that the server is running and reachable from here; nothing was recorded " +
        "by the failed step, so run the command again.",
      cause,
    });
  }
  return new RuntimeFailure(
    "REGISTRY_QUERY_FAILED",
    `PostgreSQL at ${where}: ${scrub(message, endpoint)}`,
    {
      hint: "Run `mlbuild doctor`; if the schema is damaged, restore the database from a backup.",
      cause,
    },
  );
}
