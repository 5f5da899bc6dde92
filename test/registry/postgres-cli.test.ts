import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ocrClassifier, parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import { createScratchDatabase, type ScratchDatabase } from "../helpers/postgres.js";

interface Check {
  name: string;
  status: string;
  detail: string;
}

describe("choosing the PostgreSQL registry from the command line", () => {
  let scratch: ScratchDatabase;
  beforeEach(async () => {
    scratch = await createScratchDatabase();
  });
  afterEach(async () => {
    await scratch.drop();
  });

  it(
    "sends every command to PostgreSQL with MLBUILD_REGISTRY_URL, " + "and doctor says so",
    async () => {
      const cwd = temporaryDirectory();
      const env = { MLBUILD_REGISTRY_URL: scratch.url };
      expect((await runCli(["init"], { cwd, env })).code).toBe(0);
      const built = await runCli(["build", "--model", ocrClassifier, "--json"], { cwd, env });
      expect(built.code, built.stderr).toBe(0);
      const { build } = parseJson<{ build: { buildId: string; artifactLocation: string } }>(built);
      const doctor = await runCli(["doctor", "--json"], { cwd, env });

      expect(build.artifactLocation).toBe(`cache:${os.hostname()}`);
      expect(existsSync(path.join(cwd, ".mlbuild", "registry.db"))).toBe(false);
      const registryCheck = parseJson<{ checks: Check[] }>(doctor).checks.find(
        (check) => check.name === "registry",
      );
      expect(registryCheck?.status).toBe("ok");
      expect(registryCheck?.detail).toMatch(/^postgres \d+\.\d+.* schema version \d+/);
      expect(registryCheck?.detail).not.toContain(new URL(scratch.url).password);

      // A second working copy (another CI runner) sees the same build through --registry-url.
      const other = temporaryDirectory();
      const log = await runCli(["--registry-url", scratch.url, "log", "--json"], { cwd: other });
      expect(log.code, log.stderr).toBe(0);
      expect(parseJson<Array<{ build_id: string }>>(log)[0].build_id).toBe(build.buildId);

      // The artifact sits in this host's cache, which benchmarking reads like a local store.
      const measured = await runCli(["benchmark", build.buildId, "--runs", "10", "--json"], {
        cwd,
        env,
      });
      expect(measured.code, measured.stderr).toBe(0);
      const shown = await runCli(["show", build.buildId, "--json"], { cwd, env });
      expect(parseJson<{ benchmark_count: number }>(shown).benchmark_count).toBe(1);
    },
  );

  it(
    "reads the URL from the working copy's config file, " + "and stays on SQLite without one",
    async () => {
      const cwd = temporaryDirectory();
      expect((await runCli(["init"], { cwd })).code).toBe(0);
      expect((await runCli(["--registry-url", scratch.url, "init"], { cwd })).code).toBe(0);
      const built = await runCli(
        ["--registry-url", scratch.url, "build", "--model", ocrClassifier],
        {
          cwd,
        },
      );
      expect(built.code, built.stderr).toBe(0);

      const sqliteLog = await runCli(["log", "--json"], { cwd });
      expect(parseJson<unknown[]>(sqliteLog)).toEqual([]);

      writeFileSync(
        path.join(cwd, ".mlbuild", "config.json"),
        JSON.stringify({ registryUrl: scratch.url }),
      );
      const postgresLog = await runCli(["log", "--json"], { cwd });
      expect(parseJson<unknown[]>(postgresLog)).toHaveLength(1);
    },
  );

  it("refuses a PostgreSQL registry written by a newer mlbuild", async () => {
    const cwd = temporaryDirectory();
    const env = { MLBUILD_REGISTRY_URL: scratch.url };
    expect((await runCli(["init"], { cwd, env })).code).toBe(0);
    const { PostgresDatabase } = await import("../../src/registry/postgres-database.js");
    const db = await PostgresDatabase.open(scratch.url);
    await db.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
      999,
      "from the future",
      new Date().toISOString(),
    ]);
    await db.close();
    const result = await runCli(["log", "--json"], { cwd, env });

    expect(result.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe("REGISTRY_TOO_NEW");
  });
});
