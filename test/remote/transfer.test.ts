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
});
