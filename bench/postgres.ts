import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { migrate } from "../src/registry/migrations.js";
import { PostgresDatabase } from "../src/registry/postgres-database.js";
import { median, seedBuilds } from "./seed.js";

/**
 * PostgreSQL figures: `mlbuild log --limit 20` with 100,000 builds, and builds per second with
 * 1 and 8 concurrent writer processes. Starts its own durable server (fsync on) unless
 * MLBUILD_BENCH_POSTGRES_URL is set. Run `npm run build` first, then:
 *   node --import tsx bench/postgres.ts
 */
const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const script = path.join(root, "scripts", "postgres-test-server.sh");
const cli = path.join(root, "bin", "mlbuild.js");
const builds = Number(process.env.BENCH_BUILDS ?? 100_000);
const writeSeconds = Number(process.env.BENCH_WRITE_SECONDS ?? 10);

let serverDirectory: string | undefined;
let baseUrl = process.env.MLBUILD_BENCH_POSTGRES_URL;
if (!baseUrl) {
  const exports = execFileSync("bash", [script, "start", "--durable"], { encoding: "utf8" });
  baseUrl = /MLBUILD_TEST_POSTGRES_URL=(\S+)/.exec(exports)?.[1];
  serverDirectory = /MLBUILD_TEST_POSTGRES_DIR=(\S+)/.exec(exports)?.[1];
}
if (!baseUrl) throw new Error("no PostgreSQL URL");

async function freshSchema(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE; CREATE SCHEMA ${name}`);
  await admin.end();
  const url = new URL(baseUrl as string);
  url.searchParams.set("options", `-c search_path=${name}`);
  const db = await PostgresDatabase.open(url.toString());
  await migrate(db);
  await db.close();
  return url.toString();
}

try {
  const logUrl = await freshSchema("bench_log");
  const db = await PostgresDatabase.open(logUrl);
  const seeding = performance.now();
  await seedBuilds(db, builds);
  await db.run("ANALYZE builds");
  await db.close();
  console.log(`seeded ${builds} builds in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  const cwd = mkdtempSync(path.join(os.tmpdir(), "mlbuild-bench-pg-"));
  const env = { ...process.env, MLBUILD_REGISTRY_URL: logUrl };
  const times = (args: string[]) =>
    Array.from({ length: 7 }, () => {
      const started = performance.now();
      execFileSync(process.execPath, [cli, ...args], { cwd, env, stdio: "ignore" });
      return (performance.now() - started) / 1000;
    });
  const version = median(times(["--version"]));
  const log = median(times(["log", "--limit", "20"]));
  console.log(`mlbuild log --limit 20, ${builds} builds: ${log.toFixed(3)} s median of 7`);
  console.log(
    `  (mlbuild --version on this machine now: ${version.toFixed(3)} s; ` +
      `difference ${(log - version).toFixed(3)} s)`,
  );

  for (const writers of [1, 8]) {
    const url = await freshSchema(`bench_writers_${writers}`);
    const processes = Array.from({ length: writers }, (_, index) =>
      execFileAsync(process.execPath, [
        "--import",
        "tsx",
        path.join(import.meta.dirname, "postgres-writer.ts"),
        url,
        String(index),
        String(writeSeconds * 1000),
      ]),
    );
    const counts = (await Promise.all(processes)).map(({ stdout }) => Number(stdout.trim()));
    const total = counts.reduce((sum, count) => sum + count, 0);
    console.log(
      `${writers} concurrent writer(s), ${writeSeconds} s: ${total} builds, ` +
        `${(total / writeSeconds).toFixed(0)} builds/s (per writer: ${counts.join(", ")})`,
    );
  }
} finally {
  if (serverDirectory) execFileSync("bash", [script, "stop", serverDirectory]);
}
