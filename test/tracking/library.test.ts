import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { RunDetails } from "../../src/tracking/details.js";
import { parseJson, repositoryRoot, runCli, temporaryDirectory } from "../helpers/cli.js";
import { createScratchDatabase } from "../helpers/postgres.js";

// The built package, as `import ... from "mlbuild"` gets it (package.json points there).
type Library = typeof import("../../src/index.js");
let mlbuild: Library;
let registry: string;

beforeAll(async () => {
  const entry = pathToFileURL(path.join(repositoryRoot, "dist", "index.js")).href;
  mlbuild = (await import(entry)) as Library;
  registry = path.join(temporaryDirectory(), ".mlbuild");
  expect((await runCli(["init", "--registry", registry])).code).toBe(0);
});

async function showRun(runId: string): Promise<RunDetails> {
  return parseJson<RunDetails>(
    await runCli(["run", "show", runId, "--json", "--registry", registry]),
  );
}

describe("the library API", () => {
  it("starts a run, logs params and metrics by MLflow's rules, and ends it once", async () => {
    const run = await mlbuild.startRun({ experiment: "library", name: "script", registry });
    expect(run.runId).toMatch(/^[0-9a-f]{32}$/);

    await run.logParam("learning_rate", 0.001);
    await run.logParam("learning_rate", "0.001");
    const changed = run.logParam("learning_rate", 0.002);
    await expect(changed).rejects.toBeInstanceOf(mlbuild.UsageError);
    await expect(changed).rejects.toMatchObject({ code: "PARAM_IMMUTABLE" });

    await run.logMetric("loss", 0.75, { step: 0 });
    await run.logMetric("loss", Number.NaN, { step: 1 });
    await expect(run.logMetric("loss", "0.5" as unknown as number)).rejects.toMatchObject({
      code: "METRIC_VALUE_INVALID",
    });

    await run.end("killed");
    await expect(run.end()).rejects.toMatchObject({ code: "RUN_ALREADY_ENDED" });

    const details = await showRun(run.runId);
    expect(details).toMatchObject({ experiment: "library", name: "script", status: "killed" });
    expect(details.params).toEqual({ learning_rate: "0.001" });
    expect(details.metrics.loss.map((point) => point.value)).toEqual([0.75, "NaN"]);
  });

  it("refuses a registry that does not exist, naming the fix", async () => {
    const missing = path.join(temporaryDirectory(), ".mlbuild");
    const attempt = mlbuild.startRun({ experiment: "x", registry: missing });
    await expect(attempt).rejects.toMatchObject({ code: "REGISTRY_MISSING" });
  });
});

function runWorker(worker: number, count: number, barrier: string, env: NodeJS.ProcessEnv) {
  const script = path.join(repositoryRoot, "test", "tracking", "log-metrics-worker.mjs");
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [script, String(worker), String(count), barrier], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** An initialised registry of the backend, as the environment a CI job would set. */
async function registryEnvironment(backend: string) {
  const directory = path.join(temporaryDirectory(), ".mlbuild");
  const scratch = backend === "postgres" ? await createScratchDatabase() : undefined;
  const env = { MLBUILD_DIR: directory, ...(scratch && { MLBUILD_REGISTRY_URL: scratch.url }) };
  expect((await runCli(["init"], { env })).code).toBe(0);
  return { env, dispose: async () => scratch?.drop() };
}

describe.each(["sqlite", "postgres"])("two processes logging to one run on %s", (backend) => {
  it("lose nothing: every one of hundreds of values is stored once", async () => {
    const registry = await registryEnvironment(backend);
    const started = await runCli(["run", "start", "-e", "concurrency", "--json"], registry);
    const runId = parseJson<{ run_id: string }>(started).run_id;

    // The workers import "mlbuild" by name and find the run through MLBUILD_RUN_ID, as a
    // training script in a CI job would.
    const count = 300;
    const barrier = temporaryDirectory("mlbuild-barrier-");
    const env = { ...registry.env, MLBUILD_RUN_ID: runId };
    const results = await Promise.all(
      [0, 1].map((worker) => runWorker(worker, count, barrier, env)),
    );
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });

    const shown = await runCli(["run", "show", runId, "--json"], registry);
    const points = parseJson<RunDetails>(shown).metrics.loss;
    await registry.dispose();
    expect(points).toHaveLength(2 * count);
    const expected = [0, 1].flatMap((worker) =>
      Array.from({ length: count }, (_, step) => worker * 100_000 + step),
    );
    const stored = points.map((point) => point.value as number).sort((a, b) => a - b);
    expect(stored).toEqual(expected);
    expect(points.every((point) => point.step === (point.value as number) % 100_000)).toBe(true);

    // The writes really overlapped in time: each worker logged while the other was logging.
    const span = (worker: number) => {
      const times = points
        .filter((point) => Math.floor((point.value as number) / 100_000) === worker)
        .map((point) => Date.parse(point.logged_at));
      return [Math.min(...times), Math.max(...times)];
    };
    const [first, second] = [span(0), span(1)];
    expect(first[0] <= second[1] && second[0] <= first[1]).toBe(true);
  });
});
