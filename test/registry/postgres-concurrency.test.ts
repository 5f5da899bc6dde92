import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/registry/migrations.js";
import { PostgresDatabase } from "../../src/registry/postgres-database.js";
import { SqlRegistry } from "../../src/registry/registry.js";
import { parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import { createScratchDatabase, type ScratchDatabase } from "../helpers/postgres.js";

const execFileAsync = promisify(execFile);
const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), "concurrency-worker.ts");
const processes = 8;
const iterations = 5;

describe("eight processes writing to one PostgreSQL registry at once", () => {
  let scratch: ScratchDatabase;
  let registry: SqlRegistry;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const db = await PostgresDatabase.open(scratch.url);
    await migrate(db);
    registry = new SqlRegistry(db);
    const { experiment } = await registry.experiments.ensure({
      experimentId: "e",
      name: "load",
      createdAt: new Date().toISOString(),
    });
    await registry.runs.insert({
      runId: "shared-run",
      experimentId: experiment.experimentId,
      name: null,
      status: "running",
      startedAt: new Date().toISOString(),
      endedAt: null,
    });
  });
  afterAll(async () => {
    await registry?.close();
    await scratch?.drop();
  });

  it("lose no build, benchmark, sample, metric or tag move, and deadlock nowhere", async () => {
    const workers = Array.from({ length: processes }, (_, index) =>
      execFileAsync(
        process.execPath,
        [
          "--import",
          "tsx",
          worker,
          scratch.url,
          temporaryDirectory(),
          String(index),
          String(iterations),
          "shared-run",
        ],
        { timeout: 240_000 },
      ),
    );
    const reports = (await Promise.all(workers)).map(
      ({ stdout }) => JSON.parse(stdout) as Array<{ buildId: string; benchmarkId: string }>,
    );
    const written = reports.flat();
    const total = processes * iterations;

    expect(new Set(written.map((entry) => entry.buildId)).size).toBe(total);
    expect(await registry.builds.count()).toBe(total);
    const sequence = await registry.db.all<{ created_seq: number }>(
      "SELECT created_seq FROM builds ORDER BY created_seq",
    );
    expect(sequence.map((row) => row.created_seq)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );
    for (const entry of written) {
      const benchmark = await registry.benchmarks.get(entry.benchmarkId);
      expect(benchmark?.buildId).toBe(entry.buildId);
      expect(benchmark?.samples.length).toBe(200);
    }
    expect(await registry.runs.metrics("shared-run")).toHaveLength(total);

    // The history is one unbroken chain: each move starts where the one before it ended.
    const history = await registry.tags.history("production");
    expect(history.map((move) => move.seq)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );
    expect(history[0]).toMatchObject({ action: "create", previousBuildId: null });
    for (let index = 1; index < history.length; index++) {
      expect(history[index].action).toBe("move");
      expect(history[index].previousBuildId).toBe(history[index - 1].buildId);
    }
    expect(new Set(history.map((move) => move.buildId))).toEqual(
      new Set(written.map((entry) => entry.buildId)),
    );
    expect((await registry.tags.get("production"))?.buildId).toBe(history.at(-1)?.buildId);
  });

  it("keeps the history whole when eight CLI processes move one tag at once", async () => {
    const builds = await registry.builds.list({ limit: processes });
    const cwd = temporaryDirectory();
    const env = { MLBUILD_REGISTRY_URL: scratch.url };
    const commands = builds.flatMap((build) => [
      runCli(["tag", "create", build.buildId, "release", "--force", "--json"], { cwd, env }),
      runCli(["log", "--limit", "5", "--json"], { cwd, env }),
    ]);
    const results = await Promise.all(commands);

    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(parseJson<unknown[]>(results[1])).toHaveLength(5);
    const history = await registry.tags.history("release");
    expect(history).toHaveLength(processes);
    for (let index = 1; index < history.length; index++) {
      expect(history[index].previousBuildId).toBe(history[index - 1].buildId);
    }
  });
});
