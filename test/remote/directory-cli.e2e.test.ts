import path from "node:path";
import { describe, expect, it } from "vitest";
import { openWorkspace } from "../../src/workspace.js";
import { parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import {
  addDirectoryRemote,
  freshWorkspace,
  seedBenchmark,
  seedBuild,
  tagBuild,
} from "./helpers.js";

interface TransferJson {
  uploaded: Record<string, number>;
  downloaded: Record<string, number>;
}

function mlbuild(registry: string, args: string[]) {
  return runCli(["--registry", registry, "--json", ...args]);
}

describe("push, pull and sync through a directory remote, from the CLI", () => {
  it("round-trips builds and tags, reports a tag conflict, and --prefer settles it", async () => {
    const remoteDirectory = path.join(temporaryDirectory("mlbuild-remote-dir-"), "shared");
    const here = await freshWorkspace();
    const base = await seedBuild(here, "cli-base", 50_000);
    await seedBenchmark(here, base.buildId, "cli-bench");
    await tagBuild(here, "production", base.buildId);
    const ours = await seedBuild(here, "cli-ours", 1000);
    await here.close();
    const there = await freshWorkspace();
    const theirs = await seedBuild(there, "cli-theirs", 1000);
    await there.close();
    for (const registry of [here.paths.root, there.paths.root]) {
      const added = await addDirectoryRemote(registry, "shared", remoteDirectory);
      expect(added.code, added.stderr).toBe(0);
    }

    const pushed = await mlbuild(here.paths.root, ["push", "production"]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(parseJson<TransferJson>(pushed).uploaded).toMatchObject({
      objects: 1,
      builds: 1,
      benchmarks: 1,
      tagMoves: 1,
    });
    const pulled = await mlbuild(there.paths.root, ["pull", base.buildId.slice(0, 6)]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(parseJson<TransferJson>(pulled).downloaded).toMatchObject({
      objects: 1,
      builds: 1,
      benchmarks: 1,
    });
    expect((await mlbuild(there.paths.root, ["pull", "production"])).code).toBe(0);

    // The tag moves one way here and another way there.
    expect(
      (await mlbuild(here.paths.root, ["tag", "create", ours.buildId, "production", "--force"]))
        .code,
    ).toBe(0);
    expect(
      (await mlbuild(there.paths.root, ["tag", "create", theirs.buildId, "production", "--force"]))
        .code,
    ).toBe(0);
    expect((await mlbuild(there.paths.root, ["sync"])).code).toBe(0);

    const conflicted = await mlbuild(here.paths.root, ["sync"]);
    expect(conflicted.code).toBe(2);
    expect(conflicted.stderr).toContain("--prefer");
    const error = parseJson<{ error: { code: string; conflicts: unknown[] } }>(conflicted).error;
    expect(error.code).toBe("TAG_CONFLICT");
    expect(error.conflicts).toEqual([
      { tag: "production", local_build_id: ours.buildId, remote_build_id: theirs.buildId },
    ]);

    expect((await mlbuild(here.paths.root, ["sync", "--prefer", "local"])).code).toBe(0);
    expect((await mlbuild(there.paths.root, ["sync"])).code).toBe(0);
    for (const registry of [here.paths.root, there.paths.root]) {
      const workspace = await openWorkspace({ registryDir: registry });
      expect((await workspace.registry.tags.get("production"))?.buildId).toBe(ours.buildId);
      expect(
        (await workspace.registry.tags.history("production")).map((move) => move.buildId),
      ).toEqual([base.buildId, theirs.buildId, ours.buildId]);
      await workspace.close();
    }
    const settled = parseJson<{
      planned: TransferJson["uploaded"] & { upload: Record<string, number> };
    }>(await mlbuild(here.paths.root, ["sync", "--dry-run"]));
    expect(settled.planned.upload).toMatchObject({ objects: 0, builds: 0, tagMoves: 0 });
  });
});
