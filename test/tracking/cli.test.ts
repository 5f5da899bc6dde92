import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunDetails, RunEntry } from "../../src/tracking/details.js";
import {
  type CliResult,
  ocrClassifier,
  parseJson,
  runCli,
  snapshotTree,
  temporaryDirectory,
} from "../helpers/cli.js";

let project: string;
let buildId: string;

/** Runs mlbuild in the test's project folder, the working copy whose current run is tracked. */
function mlbuild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(args, { cwd: project, env: { MLBUILD_RUN_ID: "", ...env } });
}

async function json<T>(args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const result = await mlbuild([...args, "--json"], env);
  expect(result.code, result.stderr).toBe(0);
  return parseJson<T>(result);
}

/** A refused command: exit 2, the stable code on stdout, a one-line message and a hint. */
async function refused(args: string[], code: string, env?: NodeJS.ProcessEnv) {
  const result = await mlbuild([...args, "--json"], env);
  expect(result.code, result.stderr).toBe(2);
  expect(parseJson<{ error: { code: string } }>(result).error.code).toBe(code);
  expect(result.stderr).toMatch(/^Error: .+\n {2}hint: .+\n$/);
  return result;
}

beforeAll(async () => {
  project = temporaryDirectory();
  expect((await mlbuild(["init"])).code).toBe(0);
  buildId = (await json<{ build_id: string }>(["build", "--model", ocrClassifier])).build_id;
});

describe("tracking from the command line", () => {
  it("runs from start to end, linked to a real build both ways", async () => {
    expect((await json<{ name: string }>(["experiment", "create", "ocr"])).name).toBe("ocr");
    const started = await json<RunEntry>(["run", "start", "--experiment", "ocr", "--name", "one"]);
    expect(started).toMatchObject({ experiment: "ocr", name: "one", status: "running" });

    await json(["run", "log-param", "learning_rate", "0.01"]);
    await json(["run", "log-param", "learning_rate", "0.01"]);
    await json(["run", "log-metric", "loss", "0.5", "--step", "1"]);
    await json(["run", "log-metric", "loss", "-0.25", "--step", "2"]);
    await json(["run", "log-metric", "loss", "inf", "--step", "3"]);
    await json(["run", "attach-build", buildId.slice(0, 8)]);

    const details = await json<RunDetails>(["run", "show", started.run_id.slice(0, 6)]);
    expect(details.params).toEqual({ learning_rate: "0.01" });
    expect(details.metrics.loss.map(({ value, step }) => [value, step])).toEqual([
      [0.5, 1],
      [-0.25, 2],
      ["Infinity", 3],
    ]);
    expect(details.metrics.loss.every((point) => !Number.isNaN(Date.parse(point.logged_at)))).toBe(
      true,
    );
    expect(details.builds.map((build) => build.build_id)).toEqual([buildId]);

    const shown = await json<{ runs: Array<{ run_id: string }> }>(["show", buildId]);
    expect(shown.runs.map((run) => run.run_id)).toEqual([started.run_id]);
    const human = await mlbuild(["show", buildId]);
    expect(human.stderr).toContain(
      `runs:         ${started.run_id.slice(0, 12)} (ocr/one, running)`,
    );

    const ended = await json<RunEntry>(["run", "end", "--status", "failed"]);
    expect(ended).toMatchObject({ run_id: started.run_id, status: "failed" });
    await refused(["run", "end"], "RUN_ALREADY_ENDED");
    await refused(["run", "log-metric", "loss", "1"], "RUN_ENDED");

    const runs = await json<RunEntry[]>(["run", "list", "--experiment", "ocr"]);
    expect(runs.map((run) => run.run_id)).toEqual([started.run_id]);
    const experiments = await json<Array<{ name: string; run_count: number }>>([
      "experiment",
      "list",
    ]);
    expect(experiments).toMatchObject([{ name: "ocr", run_count: 1 }]);
  });

  it("refuses bad input in one line, exit 2, and leaves .mlbuild/ unchanged", async () => {
    const active = await json<RunEntry>(["run", "start", "--experiment", "bad-input"]);
    await json(["run", "log-param", "batch_size", "32"]);
    const before = snapshotTree(path.join(project, ".mlbuild"));

    const again = await refused(["run", "start", "--experiment", "other"], "RUN_ALREADY_ACTIVE");
    expect(again.stderr).toContain(active.run_id.slice(0, 12));
    await refused(["run", "log-param", "batch_size", "64"], "PARAM_IMMUTABLE");
    await refused(["run", "log-param", "", "1"], "PARAM_KEY_INVALID");
    await refused(["run", "log-metric", "loss", "abc"], "METRIC_VALUE_INVALID");
    await refused(["run", "log-metric", "loss", "1", "--step", "two"], "METRIC_STEP_INVALID");
    await refused(["run", "log-metric", "k".repeat(251), "1"], "METRIC_KEY_INVALID");
    await refused(["run", "attach-build", "ffff"], "REF_UNKNOWN");
    await refused(["run", "show", "0000"], "RUN_UNKNOWN");
    await refused(["run", "list", "--experiment", "nope"], "EXPERIMENT_UNKNOWN");
    await refused(["experiment", "create", ""], "EXPERIMENT_NAME_INVALID");
    await refused(["experiment", "create", "ocr"], "EXPERIMENT_EXISTS");
    expect((await mlbuild(["run", "end", "--status", "paused"])).code).toBe(2);

    expect(snapshotTree(path.join(project, ".mlbuild"))).toEqual(before);
    await json(["run", "end"]);
  });

  it("lets MLBUILD_RUN_ID override the working copy's run, for CI", async () => {
    const first = await json<RunEntry>(["run", "start", "--experiment", "ci"]);
    await json(["run", "end"]);
    const second = await json<RunEntry>(["run", "start", "--experiment", "ci"]);

    // The ended first run takes builds (built after training) but no more metrics.
    const pinned = { MLBUILD_RUN_ID: first.run_id.slice(0, 8) };
    const attached = await json<{ run_id: string }>(["run", "attach-build", buildId], pinned);
    expect(attached.run_id).toBe(first.run_id);
    const ended = await refused(["run", "log-metric", "loss", "1"], "RUN_ENDED", pinned);
    expect(ended.stderr).toContain(first.run_id.slice(0, 12));

    const running = await refused(["run", "start", "-e", "ci"], "RUN_ALREADY_ACTIVE", {
      MLBUILD_RUN_ID: second.run_id,
    });
    expect(running.stderr).toContain("MLBUILD_RUN_ID");
    await refused(["run", "log-param", "a", "b"], "RUN_UNKNOWN", { MLBUILD_RUN_ID: "beef" });

    const logged = await json<{ run_id: string }>(["run", "log-metric", "loss", "nan"]);
    expect(logged.run_id).toBe(second.run_id);
    await json(["run", "end"]);
  });

  it("says how to start a run when none is active", async () => {
    const fresh = temporaryDirectory();
    expect((await runCli(["init"], { cwd: fresh })).code).toBe(0);
    const result = await runCli(["run", "log-metric", "loss", "1"], {
      cwd: fresh,
      env: { MLBUILD_RUN_ID: "" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No active run");
    expect(result.stderr).toContain("mlbuild run start --experiment NAME");
  });
});
