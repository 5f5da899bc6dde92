import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The PostgreSQL server the tests use: MLBUILD_TEST_POSTGRES_URL, set by the caller or by
 * test/global-setup.ts. Missing, the PostgreSQL tests fail: they are never skipped.
 */
export function testPostgresUrl(): string {
  const url = process.env.MLBUILD_TEST_POSTGRES_URL;
  if (!url) {
    throw new Error(
      "No PostgreSQL for the tests: install Debian's postgresql package (the suite then starts " +
        'one), or run `eval "$(scripts/postgres-test-server.sh start)"` first.',
    );
  }
  return url;
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function administer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty schema on the test server, reached through a URL whose `search_path` points at
 * it: to mlbuild an empty registry, so no two tests see each other's rows. (A schema costs
 * milliseconds where a new database costs a second.)
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `mlbuild_${randomBytes(6).toString("hex")}`;
  await administer(`CREATE SCHEMA ${name}`);
  const url = new URL(testPostgresUrl());
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    url: url.toString(),
    name,
    drop: () => administer(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}
