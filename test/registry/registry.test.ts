import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isMlbuildError } from "../../src/errors.js";
import {
  currentSchemaVersion,
  latestSchemaVersion,
  migrate,
} from "../../src/registry/migrations.js";
import type { SqlRegistry } from "../../src/registry/registry.js";
import { backends, benchmarkRecord, buildRecord, hexId, openRegistry } from "./backends.js";

const execFileAsync = promisify(execFile);
const migrateWorker = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrate-worker.ts");

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isMlbuildError(error) ? error.code : `not an mlbuild error: ${String(error)}`;
  }
  return "no error";
}

describe.each(backends)("registry on $name", (backend) => {
  let opened: Awaited<ReturnType<typeof openRegistry>>;
  let registry: SqlRegistry;

  beforeEach(async () => {
    opened = await openRegistry(backend);
    registry = opened.registry;
  });
  afterEach(async () => {
    await opened.dispose();
  });

  it("stores builds, lists them newest first and keeps big sizes as numbers", async () => {
    const ids = ["one", "two", "three"].map(hexId);
    for (const [index, id] of ids.entries()) {
      const inserted = await registry.transaction((tx) =>
        registry.builds.insert(buildRecord(id, { artifactSize: 5_000_000_000 + index }), tx),
      );
      expect(inserted).toBe(true);
    }
    const again = await registry.transaction((tx) =>
      registry.builds.insert(buildRecord(ids[0]), tx),
    );

    expect(again).toBe(false);
    expect(await registry.builds.count()).toBe(3);
    expect((await registry.builds.list()).map((build) => build.buildId)).toEqual(ids.reverse());
    expect((await registry.builds.list({ limit: 1 }))[0].artifactSize).toBe(5_000_000_002);
    expect(await registry.builds.get(ids[0])).toMatchObject({ config: { target: "cpu" } });
  });

  it("rolls back every row of a failed transaction", async () => {
    const failing = registry.transaction(async (tx) => {
      await registry.builds.insert(buildRecord(hexId("kept?")), tx);
      throw new Error("the step after the insert failed");
    });

    await expect(failing).rejects.toThrow("the step after the insert failed");
    expect(await registry.builds.count()).toBe(0);
  });

  it(
    "resolves unique prefixes and tags, " + "and lists the candidates of an ambiguous prefix",
    async () => {
      const first = `abcd0${hexId("a").slice(5)}`;
      const second = `abcd1${hexId("b").slice(5)}`;
      await registry.transaction(async (tx) => {
        await registry.builds.insert(buildRecord(first), tx);
        await registry.builds.insert(buildRecord(second), tx);
        await registry.tags.set(tx, "production", second);
      });

      expect((await registry.resolve("abcd0")).buildId).toBe(first);
      expect((await registry.resolve("ABCD1")).buildId).toBe(second);
      expect((await registry.resolve("production")).buildId).toBe(second);
      expect(await errorCode(registry.resolve("abcd"))).toBe("REF_AMBIGUOUS");
      expect(await errorCode(registry.resolve("ffff"))).toBe("REF_UNKNOWN");
    },
  );

  it("moves tags atomically and keeps every move in the tag's history, in order", async () => {
    const [a, b] = [hexId("build a"), hexId("build b")];
    await registry.transaction(async (tx) => {
      await registry.builds.insert(buildRecord(a), tx);
      await registry.builds.insert(buildRecord(b), tx);
    });
    await registry.transaction((tx) => registry.tags.set(tx, "production", a));

    const refused = registry.transaction((tx) => registry.tags.set(tx, "production", b));
    expect(await errorCode(refused)).toBe("TAG_EXISTS");
    await registry.transaction((tx) => registry.tags.set(tx, "production", b, { force: true }));
    await registry.transaction((tx) => registry.tags.delete(tx, "production"));

    expect(await registry.tags.get("production")).toBeUndefined();
    const history = await registry.tags.history("production");
    expect(
      history.map((move) => [move.seq, move.action, move.previousBuildId, move.buildId]),
    ).toEqual([
      [1, "create", null, a],
      [2, "move", a, b],
      [3, "delete", b, null],
    ]);
  });

  it("keeps every benchmark sample bit for bit and finds the latest per build", async () => {
    const build = hexId("measured");
    const samples = [1.25, 0.1 + 0.2, Number.MIN_VALUE, 1e300, 3.000000000000001];
    await registry.transaction(async (tx) => {
      await registry.builds.insert(buildRecord(build), tx);
      await registry.benchmarks.insert(benchmarkRecord("bench-1", build, samples), tx);
      await registry.benchmarks.insert(
        benchmarkRecord("bench-2", build, [2, 3], { testbedHash: "testbed-b" }),
        tx,
      );
    });

    const stored = await registry.benchmarks.get("bench-1");
    expect(Array.from(stored?.samples ?? [])).toEqual(samples);
    expect(Array.from(stored?.warmupSamples ?? [])).toEqual([9.5, 8.25]);
    expect((await registry.benchmarks.latest(build))?.benchmarkId).toBe("bench-2");
    expect(
      (await registry.benchmarks.latest(build, { testbedHash: "testbed-a" }))?.benchmarkId,
    ).toBe("bench-1");
    const summaries = await registry.benchmarks.latestSummaries([build]);
    expect(summaries.get(build)).toEqual({ headline: { p50_ms: 2 } });
  });

  it("tracks experiments and runs with params, metrics and attached builds", async () => {
    const build = hexId("trained");
    const { experiment } = await registry.experiments.ensure({
      experimentId: "e1",
      name: "resnet",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    await registry.transaction(async (tx) => {
      await registry.builds.insert(buildRecord(build), tx);
      await registry.runs.insert(
        {
          runId: "r1",
          experimentId: experiment.experimentId,
          name: "first",
          status: "running",
          startedAt: "2026-01-01T00:00:01.000Z",
          endedAt: null,
        },
        tx,
      );
    });
    await registry.runs.setParam("r1", { key: "lr", value: "0.1" });
    const second = await registry.runs.setParam("r1", { key: "lr", value: "0.2" });
    for (const [step, value] of [0.5, Number.NaN, Number.POSITIVE_INFINITY].entries()) {
      await registry.runs.appendMetric("r1", `m${step}`, {
        key: "loss",
        value,
        step,
        loggedAt: `2026-01-01T00:00:0${step + 2}.000Z`,
      });
    }
    await registry.runs.attachBuild("r1", { buildId: build, attachedAt: "2026-01-01T00:01:00Z" });

    expect(second).toEqual({ value: "0.1", inserted: false });
    expect((await registry.runs.metrics("r1")).map((metric) => metric.value)).toEqual([
      0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]);
    expect((await registry.runs.forBuild(build)).map((run) => run.runId)).toEqual(["r1"]);
    expect(await registry.runs.end("r1", "finished", "2026-01-01T00:02:00Z")).toBe(true);
    expect(await registry.runs.end("r1", "failed", "2026-01-01T00:03:00Z")).toBe(false);
  });

  it("migrates once when four processes open a new registry at the same moment", async () => {
    const fresh = await backend.create();
    const migrators = [1, 2, 3, 4].map(() =>
      execFileAsync(process.execPath, ["--import", "tsx", migrateWorker, fresh.target]),
    );
    const results = (await Promise.all(migrators)).map(({ stdout }) => JSON.parse(stdout));

    expect(results.every((result) => result.to === latestSchemaVersion)).toBe(true);
    const db = await fresh.connect();
    expect(await currentSchemaVersion(db)).toBe(latestSchemaVersion);
    expect(await db.all("SELECT version FROM schema_migrations")).toHaveLength(latestSchemaVersion);
    await db.close();
    await fresh.dispose();
  });

  it("refuses a registry whose schema is newer than this mlbuild", async () => {
    await registry.db.run(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
      [latestSchemaVersion + 1, "from the future", new Date().toISOString()],
    );
    const second = await opened.connect();

    expect(await errorCode(migrate(second))).toBe("REGISTRY_TOO_NEW");
    await second.close();
  });

  it("describes itself for doctor without secrets", async () => {
    const description = await registry.db.describe();

    expect(description.backend).toBe(backend.name);
    expect(description.version).toMatch(/^\d+\.\d+/);
    expect(description.location).not.toMatch(/:[^/@]+@/);
  });
});
