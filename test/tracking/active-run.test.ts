import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import {
  assertNoRunningRun,
  findCurrentRun,
  rememberCurrentRun,
  requireCurrentRun,
} from "../../src/tracking/active-run.js";
import { Tracker } from "../../src/tracking/tracker.js";
import type { Workspace } from "../../src/workspace.js";
import { writeWorkspaceConfig } from "../../src/workspace.js";
import { temporaryWorkspace } from "./workspace.js";

let workspace: Workspace;
let tracker: Tracker;
const noEnvironment: NodeJS.ProcessEnv = {};

beforeEach(async () => {
  workspace = await temporaryWorkspace();
  tracker = new Tracker(workspace.registry);
});

afterEach(async () => {
  await workspace.close();
});

describe("the current run of a working copy", () => {
  it("is none at first, and logging then asks for `run start`", async () => {
    expect(await findCurrentRun(tracker, workspace.paths, noEnvironment)).toBeUndefined();
    const attempt = requireCurrentRun(tracker, workspace.paths, noEnvironment);
    await expect(attempt).rejects.toMatchObject({ code: "RUN_NOT_ACTIVE" });
  });

  it("is remembered in config.json beside the settings already there", async () => {
    await writeWorkspaceConfig(workspace.paths, { remotes: { origin: "/somewhere" } });
    const { run } = await tracker.startRun({ experiment: "e" });
    await rememberCurrentRun(workspace.paths, run.runId);

    const config = JSON.parse(await readFile(workspace.paths.config, "utf8"));
    expect(config).toEqual({ remotes: { origin: "/somewhere" }, currentRunId: run.runId });
    const current = await requireCurrentRun(tracker, workspace.paths, noEnvironment);
    expect(current).toMatchObject({ origin: "working copy", run: { runId: run.runId } });
  });

  it("is overridden by MLBUILD_RUN_ID, which may be a prefix", async () => {
    const remembered = (await tracker.startRun({ experiment: "e" })).run;
    const fromCi = (await tracker.startRun({ experiment: "e" })).run;
    await rememberCurrentRun(workspace.paths, remembered.runId);

    const env = { MLBUILD_RUN_ID: fromCi.runId.slice(0, 10) };
    const current = await requireCurrentRun(tracker, workspace.paths, env);
    expect(current).toMatchObject({ origin: "MLBUILD_RUN_ID", run: { runId: fromCi.runId } });

    const unknown = requireCurrentRun(tracker, workspace.paths, { MLBUILD_RUN_ID: "ffffffff" });
    await expect(unknown).rejects.toThrow(/MLBUILD_RUN_ID names no run/);
  });
});

describe("starting a run while one is active", () => {
  it("is refused with an error that names the active run", async () => {
    const { run } = await tracker.startRun({ experiment: "nightly", name: "epoch-sweep" });
    await rememberCurrentRun(workspace.paths, run.runId);

    const error = await assertNoRunningRun(tracker, workspace.paths, noEnvironment).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: "RUN_ALREADY_ACTIVE" });
    expect((error as Error).message).toContain(run.runId.slice(0, 12));
    expect((error as Error).message).toContain("epoch-sweep");
  });

  it("is allowed once the current run has ended", async () => {
    const { run } = await tracker.startRun({ experiment: "e" });
    await rememberCurrentRun(workspace.paths, run.runId);
    await tracker.endRun(run.runId);
    await expect(assertNoRunningRun(tracker, workspace.paths, noEnvironment)).resolves.toBe(
      undefined,
    );
  });
});
