/**
 * `validate` and `compare` feed the model what `benchmark` would: `--batch`, `--shape`,
 * `--inputs DIR` and `--threads` go through the same checks (runtime/inputs.ts), so a model with
 * a symbolic batch is gated at the shape it serves, and bad input is exit 2 with nothing stored.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ValidateResult } from "../../src/gates/types.js";
import { makeMlp } from "../../src/onnx/fixtures.js";
import { saveModel } from "../../src/onnx/model.js";
import { openWorkspace } from "../../src/workspace.js";
import { parseJson, runCli, snapshotTree, temporaryDirectory } from "../helpers/cli.js";

const directory = temporaryDirectory("mlbuild-gate-inputs-");
const registry = path.join(directory, ".mlbuild");
const cli = (...args: string[]) => runCli(["--registry", registry, ...args], { cwd: directory });

let symbolic = "";

async function storedConfig(benchmarkId: string): Promise<Record<string, unknown>> {
  const workspace = await openWorkspace({ registryDir: registry });
  try {
    const stored = await workspace.registry.benchmarks.latest(symbolic);
    expect(stored?.benchmarkId).toBe(benchmarkId);
    expect(stored?.kind).toBe("validate");
    return { ...stored?.config, testbed_threads: stored?.testbed.threads };
  } finally {
    await workspace.close();
  }
}

beforeAll(async () => {
  expect((await cli("init")).code).toBe(0);
  // The batch dimension is symbolic ("batch"): 1 unless --batch or --shape says otherwise.
  const model = makeMlp({ inputSize: 32, hiddenSizes: [32], outputSize: 4, seed: 3 });
  await saveModel(model, path.join(directory, "symbolic.onnx"));
  const built = await cli("build", "--model", "symbolic.onnx", "--json");
  expect(built.code, built.stderr).toBe(0);
  symbolic = parseJson<{ build_id: string }>(built).build_id;
});

describe("gates at the shapes a model serves", () => {
  it("validate measures at --batch with --threads, and stores what it fed", async () => {
    const result = await cli(
      "validate",
      symbolic,
      "--max-latency",
      "500",
      "--batch",
      "24",
      "--threads",
      "1",
      "--json",
    );
    expect(result.code, result.stderr).toBe(0);
    const validated = parseJson<ValidateResult>(result);
    const config = await storedConfig(validated.benchmark_id ?? "");
    expect(config.inputs).toEqual({ input: "float32[24, 32]" });
    expect(config.batch).toBe(24);
    expect(config.threads).toBe(1);
    expect(config.testbed_threads).toBe(1);
  });

  it("validate reads --inputs DIR and --shape like benchmark", async () => {
    const inputs = path.join(directory, "inputs");
    mkdirSync(inputs, { recursive: true });
    const data = Array.from({ length: 3 }, (_, row) => Array.from({ length: 32 }, () => row));
    writeFileSync(path.join(inputs, "input.json"), JSON.stringify(data));
    const fromFiles = await cli("validate", symbolic, "--max-latency", "500", "--inputs", inputs);
    expect(fromFiles.code, fromFiles.stderr).toBe(0);

    const shaped = await cli(
      "validate",
      symbolic,
      "--max-latency",
      "500",
      "--shape",
      "input=5x32",
      "--json",
    );
    expect(shaped.code, shaped.stderr).toBe(0);
    const config = await storedConfig(parseJson<ValidateResult>(shaped).benchmark_id ?? "");
    expect(config.inputs).toEqual({ input: "float32[5, 32]" });
    expect(config.batch).toBe(5);
  });

  it("refuses bad shapes, unknown inputs and folders before measuring, changing nothing", async () => {
    const before = snapshotTree(registry);
    const cases: [string[], string][] = [
      [["--shape", "nosuch=1x32"], "no input named 'nosuch'"],
      [["--shape", "input=2x31"], "input"],
      [["--shape", "input=abc"], "Bad --shape"],
      [["--inputs", path.join(directory, "missing")], "is not a readable folder"],
      [["--batch", "0"], "whole number"],
      [["--threads", "0"], "whole number"],
    ];
    for (const [flags, message] of cases) {
      const validate = await cli("validate", symbolic, "--max-latency", "500", ...flags);
      expect(validate.code, flags.join(" ")).toBe(2);
      expect(validate.stderr).toContain(message);
      const compare = await cli("compare", symbolic, symbolic, "--budget", "5", ...flags);
      expect(compare.code, flags.join(" ")).toBe(2);
      expect(compare.stderr).toContain(message);
    }
    expect(snapshotTree(registry)).toEqual(before);
  });

  it("compare measures both sides at --batch", async () => {
    const result = await cli(
      "compare",
      symbolic,
      symbolic,
      "--batch",
      "16",
      "--threshold",
      "50",
      "--budget",
      "8",
      "--process-time",
      "0.3",
      "--process-runs",
      "20",
      "--json",
    );
    expect([0, 3]).toContain(result.code);
    const comparison = parseJson<{ verdict: string; metrics: { metric: string }[] }>(result);
    expect(comparison.verdict).not.toBe("regression");
  });
});
