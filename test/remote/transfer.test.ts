import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalRemote } from "../../src/remote/local-remote.js";
import { pull, push, sync } from "../../src/remote/transfer.js";
import type { Workspace } from "../../src/workspace.js";
import { temporaryDirectory } from "../helpers/cli.js";
import { freshWorkspace, seedBenchmark, seedBuild, tagBuild } from "./helpers.js";

describe("push and pull through a directory remote", () => {
  let here: Workspace;
  let there: Workspace;
  let remote: LocalRemote;

  beforeEach(async () => {
    here = await freshWorkspace();
    there = await freshWorkspace();
    remote = new LocalRemote(path.join(temporaryDirectory("mlbuild-remote-dir-"), "remote"));
  });
  afterEach(async () => {
    await here.close();
    await there.close();
  });

  it("moves a tagged build with its artifact, benchmarks and tag history", async () => {
    const first = await seedBuild(here, "first");
    const second = await seedBuild(here, "second");
    const benchmark = await seedBenchmark(here, second.buildId, "bench-a");
    await tagBuild(here, "production", first.buildId);
    await tagBuild(here, "production", second.buildId);

    const pushed = await push(here, remote, "production");
    expect(pushed.uploaded).toMatchObject({ objects: 1, builds: 1, benchmarks: 1, tagMoves: 2 });

    const pulled = await pull(there, remote, "production");
    expect(pulled.downloaded).toMatchObject({ objects: 1, builds: 1, benchmarks: 1, tagMoves: 2 });
    const copy = await there.registry.resolve("production");
    expect(copy).toEqual(second);
    expect(await there.store.read(copy.artifactHash)).toEqual(
      await here.store.read(second.artifactHash),
    );
    expect(await there.registry.tags.history("production")).toEqual(
      await here.registry.tags.history("production"),
    );
    const samples = await there.registry.benchmarks.get(benchmark.benchmarkId);
    expect(samples?.samples).toEqual(benchmark.samples);
    expect(samples?.warmupSamples).toEqual(benchmark.warmupSamples);
  });

  it("sends nothing the second time", async () => {
    const build = await seedBuild(here, "only");
    await seedBenchmark(here, build.buildId, "b");
    await tagBuild(here, "v1", build.buildId);
    await push(here, remote, "--all");
    const again = await push(here, remote, "--all");
    expect(again.uploaded).toMatchObject({
      objects: 0,
      builds: 0,
      benchmarks: 0,
      tagMoves: 0,
      runs: 0,
    });
  });

  it("resolves a prefix of a build that only the remote has", async () => {
    const build = await seedBuild(here, "remote-only");
    await push(here, remote, build.buildId);
    await pull(there, remote, build.buildId.slice(0, 8));
    expect((await there.registry.resolve(build.buildId)).buildId).toBe(build.buildId);
  });

  it("refuses an object corrupted on the remote and installs nothing", async () => {
    const build = await seedBuild(here, "fragile");
    await push(here, remote, build.buildId);
    const objectFile = path.join(remote.root, "objects", "sha256", build.artifactHash);
    writeFileSync(objectFile, "not the artifact");

    await expect(pull(there, remote, build.buildId)).rejects.toMatchObject({
      code: "OBJECT_CORRUPT",
    });
    expect(there.store.has(build.artifactHash)).toBe(false);
    expect(await there.registry.builds.count()).toBe(0);
  });

  it("reports a tag moved differently on each side, and --prefer picks a side", async () => {
    const base = await seedBuild(here, "base");
    await tagBuild(here, "production", base.buildId);
    await push(here, remote, "production");
    await pull(there, remote, "production");

    const ours = await seedBuild(here, "ours");
    const theirs = await seedBuild(there, "theirs");
    await tagBuild(here, "production", ours.buildId);
    await tagBuild(there, "production", theirs.buildId);
    await push(there, remote, "production");

    const conflicted = await sync(here, remote);
    expect(conflicted.conflicts).toEqual([
      {
        tag: "production",
        localBuildId: ours.buildId,
        remoteBuildId: theirs.buildId,
        sharedMoves: 1,
      },
    ]);
    expect((await here.registry.tags.get("production"))?.buildId).toBe(ours.buildId);

    await sync(here, remote, { prefer: "remote" });
    expect((await here.registry.tags.get("production"))?.buildId).toBe(theirs.buildId);
    const history = await here.registry.tags.history("production");
    expect(history.map((move) => move.buildId)).toEqual([
      base.buildId,
      theirs.buildId,
      ours.buildId,
      theirs.buildId,
    ]);

    await sync(there, remote);
    expect(await there.registry.tags.history("production")).toEqual(history);
    const settled = await sync(here, remote);
    expect(settled.conflicts).toEqual([]);
    expect(settled.uploaded.tagMoves + settled.downloaded.tagMoves).toBe(0);
  });

  it("refuses a remote written by a newer format", async () => {
    const build = await seedBuild(here, "x");
    await push(here, remote, build.buildId);
    writeFileSync(
      path.join(remote.root, "mlbuild-remote.json"),
      '{"format":"mlbuild-remote","version":99}',
    );
    await expect(pull(there, remote, build.buildId)).rejects.toMatchObject({
      code: "REMOTE_FORMAT_TOO_NEW",
    });
    expect(readdirSync(there.paths.objects)).toEqual([]);
  });

  it(
    "carries runs with their params, metrics and build links, and merges what both " +
      "sides logged",
    async () => {
      const build = await seedBuild(here, "tracked");
      const { registry } = here;
      await registry.transaction(async (tx) => {
        await tx.run("INSERT INTO experiments (experiment_id, name, created_at) VALUES (?, ?, ?)", [
          "e1",
          "latency",
          "2024-01-01T00:00:00.000Z",
        ]);
        await registry.runs.insert(
          {
            runId: "r1",
            experimentId: "e1",
            name: "first",
            status: "running",
            startedAt: "2024-01-02T00:00:00.000Z",
            endedAt: null,
          },
          tx,
        );
        await registry.runs.setParam("r1", { key: "lr", value: "0.1" }, tx);
        await registry.runs.appendMetric(
          "r1",
          "m1",
          { key: "p95", value: Number.NaN, step: 0, loggedAt: "2024-01-02T00:01:00.000Z" },
          tx,
        );
        await registry.runs.attachBuild(
          "r1",
          { buildId: build.buildId, attachedAt: "2024-01-02T00:02:00.000Z" },
          tx,
        );
      });

      await push(here, remote, "--all");
      await pull(there, remote, build.buildId);
      expect(await there.registry.runs.get("r1")).toMatchObject({
        experimentName: "latency",
        status: "running",
      });
      expect(await there.registry.runs.params("r1")).toEqual([{ key: "lr", value: "0.1" }]);
      expect((await there.registry.runs.metrics("r1"))[0].value).toBeNaN();
      expect(await there.registry.runs.builds("r1")).toEqual(await here.registry.runs.builds("r1"));

      await there.registry.runs.appendMetric("r1", "m2", {
        key: "p95",
        value: 4.5,
        step: 1,
        loggedAt: "2024-01-03T00:00:00.000Z",
      });
      await here.registry.runs.end("r1", "finished", "2024-01-04T00:00:00.000Z");
      await sync(there, remote);
      await sync(here, remote);
      await sync(there, remote);
      for (const side of [here, there]) {
        expect(await side.registry.runs.get("r1")).toMatchObject({ status: "finished" });
        expect((await side.registry.runs.metrics("r1")).map((metric) => metric.step)).toEqual([
          0, 1,
        ]);
      }
      const settled = await sync(here, remote);
      expect(settled.uploaded.runs + settled.downloaded.runs).toBe(0);
      expect(readdirSync(path.join(remote.root, "runs", "r1"))).toHaveLength(1);
    },
  );

  it("plans without changing anything on --dry-run", async () => {
    const build = await seedBuild(here, "planned");
    const planned = await sync(here, remote, { dryRun: true });
    expect(planned.planned.upload).toMatchObject({ objects: 1, builds: 1 });
    expect(planned.uploaded.objects).toBe(0);
    expect(await remote.list("")).toEqual([]);
    expect(build.buildId).toHaveLength(64);
  });

  it("syncs unchanged builds with one listing and no request per object", async () => {
    for (let index = 0; index < 120; index++) {
      const build = await seedBuild(here, `many-${index}`, 64);
      await seedBenchmark(here, build.buildId, `many-bench-${index}`);
    }
    await tagBuild(here, "production", (await here.registry.builds.list({ limit: 1 }))[0].buildId);
    await sync(here, remote);

    const calls = { list: 0, head: 0, get: 0, put: 0, delete: 0 };
    const counting: typeof remote = Object.create(remote);
    for (const method of Object.keys(calls) as Array<keyof typeof calls>) {
      const original = remote[method].bind(remote) as (...args: unknown[]) => unknown;
      (counting as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        calls[method] += 1;
        return original(...args);
      };
    }
    const result = await sync(here, counting);
    expect(result.planned.upload).toMatchObject({ objects: 0, builds: 0, benchmarks: 0 });
    // One listing, one read of the format version, nothing else.
    expect(calls).toEqual({ list: 1, head: 0, get: 1, put: 0, delete: 0 });
  });
});
