/**
 * validate and compare through the real CLI, on small generated models in a temporary registry.
 * Budgets are small: these prove verdicts, exit codes and messages, not measurement quality
 * (bench/verdicts.ts measures that).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CompareResult, CompareSkipped, ValidateResult } from "../../src/gates/types.js";
import { makeMlp } from "../../src/onnx/fixtures.js";
import { saveModel } from "../../src/onnx/model.js";
import { parseJson, runCli, snapshotTree, temporaryDirectory } from "../helpers/cli.js";

const directory = temporaryDirectory("mlbuild-gates-");
const registry = path.join(directory, ".mlbuild");
const cli = (...args: string[]) => runCli(["--registry", registry, ...args], { cwd: directory });

let light = "";
let lightCopy = "";
let heavy = "";

async function buildModel(file: string, hidden: number[], graphName: string): Promise<string> {
  const model = makeMlp({ inputSize: 128, hiddenSizes: hidden, outputSize: 10, seed: 7, batch: 8 });
  if (model.graph) model.graph.name = graphName;
  await saveModel(model, path.join(directory, file));
  const result = await cli("build", "--model", file, "--json");
  expect(result.code, result.stderr).toBe(0);
  return parseJson<{ build_id: string }>(result).build_id;
}

beforeAll(async () => {
  expect((await cli("init")).code).toBe(0);
  light = await buildModel("light.onnx", [128], "light");
  // The same computation under another graph name: a different build, identical work.
  lightCopy = await buildModel("light-copy.onnx", [128], "light-copy");
  heavy = await buildModel("heavy.onnx", [128, 128, 128, 128, 128], "heavy");
});

describe("compare: bad input", () => {
  it("rejects a negative, NaN or zero threshold and an unknown metric with exit 2", async () => {
    for (const threshold of ["-5", "NaN", "0", "abc"]) {
      const result = await cli("compare", light, lightCopy, "--threshold", threshold);
      expect(result.code, threshold).toBe(2);
      expect(result.stderr).toContain("percentage greater than 0");
    }
    const metric = await cli("compare", light, lightCopy, "--metric", "p42");
    expect(metric.code).toBe(2);
    expect(metric.stderr).toContain("p50, p95, p99, mean, throughput, memory, size");
  });

  it("refuses --use-cached when nothing is stored", async () => {
    const result = await cli("compare", light, lightCopy, "--use-cached", "--json");
    expect(result.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe("BENCHMARK_NONE");
    expect(result.stderr).toContain("mlbuild benchmark");
  });

  it("treats an unknown baseline as an error, never a pass, and changes nothing", async () => {
    const before = snapshotTree(registry);
    const result = await cli("compare", "no-such-tag", light);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No build or tag named 'no-such-tag'");
    expect(snapshotTree(registry)).toEqual(before);
  });

  it("fails a CI job whose baseline is missing, with how to create it", async () => {
    const result = await cli("compare", "production", light, "--threshold", "5", "--ci");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("mlbuild tag create BUILD_ID production");
    expect(result.stderr).toContain("--baseline-missing pass");
  });

  it("lets a CI job through a missing baseline only when asked, and says so", async () => {
    const result = await cli(
      "compare",
      "production",
      light,
      "--ci",
      "--baseline-missing",
      "pass",
      "--json",
    );
    expect(result.code).toBe(0);
    const skipped = parseJson<CompareSkipped>(result);
    expect(skipped.status).toBe("baseline-missing");
    expect(skipped.candidate.build_id).toBe(light);
  });
});

describe("compare: verdicts", () => {
  it("never calls identical builds a regression", async () => {
    const result = await cli(
      "compare",
      light,
      lightCopy,
      "--threshold",
      "5",
      "--budget",
      "12",
      "--process-time",
      "0.4",
      "--json",
    );
    expect([0, 3]).toContain(result.code);
    const comparison = parseJson<CompareResult>(result);
    expect(comparison.verdict).not.toBe("regression");
    expect(comparison.source).toBe("fresh");
    expect(comparison.baseline.build_id).toBe(light);
    expect(comparison.candidate.build_id).toBe(lightCopy);
    const p50 = comparison.metrics.find((metric) => metric.metric === "p50");
    expect(p50?.replications).toBeGreaterThanOrEqual(2);
    expect(p50?.interval_pct[0]).toBeLessThanOrEqual(p50?.change_pct ?? Number.NaN);
    expect(p50?.method).toContain("paired processes");
    expect(comparison.metrics.map((metric) => metric.metric)).toEqual([
      "p50",
      "p95",
      "p99",
      "mean",
      "throughput",
      "memory",
      "size",
    ]);
    expect(comparison.exit_code).toBe(result.code);
  });

  it("fails the gate on a model with several times the work", async () => {
    const result = await cli(
      "compare",
      light,
      heavy,
      "--threshold",
      "5",
      "--budget",
      "12",
      "--ci",
      "--process-time",
      "0.4",
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("Verdict on p50: regression");
    expect(result.stderr).toMatch(/METRIC\s+BASELINE\s+CANDIDATE\s+CHANGE/);
  });

  it("decides size exactly, and the seed's CI example runs as written", async () => {
    const size = await cli("compare", light, heavy, "--metric", "size", "--budget", "1", "--json");
    expect(size.code).toBe(1);
    const sizeRow = parseJson<CompareResult>(size).metrics.find((row) => row.metric === "size");
    expect(sizeRow?.interval_pct[0]).toBe(sizeRow?.interval_pct[1]);

    expect((await cli("tag", "create", light, "production")).code).toBe(0);
    const log = parseJson<{ build_id: string }[]>(await cli("log", "--limit", "1", "--json"));
    const buildId = log[0].build_id;
    const validate = await cli("validate", buildId, "--max-p95", "10", "--ci");
    expect(validate.code, validate.stderr).toBe(0);
    const compare = await cli(
      "compare",
      "production",
      buildId,
      "--threshold",
      "5",
      "--ci",
      "--budget",
      "12",
      "--process-time",
      "0.4",
    );
    expect(compare.stderr).toContain("Verdict on p50");
    expect([0, 1, 3]).toContain(compare.code);
  });
});

describe("validate", () => {
  it("passes generous limits and fails tiny ones", async () => {
    const pass = await cli(
      "validate",
      light,
      "--max-latency",
      "500",
      "--max-size",
      "100",
      "--json",
    );
    expect(pass.code, pass.stderr).toBe(0);
    const passed = parseJson<ValidateResult>(pass);
    expect(passed.status).toBe("pass");
    expect(passed.checks.map((check) => check.gate)).toEqual(["max-latency", "max-size"]);
    expect(passed.checks[0].interval?.[1]).toBeLessThan(500);

    const fail = await cli("validate", light, "--max-latency", "0.000001", "--ci");
    expect(fail.code).toBe(1);
    expect(fail.stderr).toContain("Result: fail");
  });

  it("is inconclusive (exit 3) about accuracy that was never recorded, never passing it", async () => {
    const result = await cli(
      "validate",
      light,
      "--max-size",
      "100",
      "--max-error",
      "0.01",
      "--json",
    );
    expect(result.code).toBe(3);
    const checks = parseJson<ValidateResult>(result).checks;
    expect(checks.find((check) => check.gate === "max-error")?.status).toBe("not-measured");
    const allowed = await cli(
      "validate",
      light,
      "--max-error",
      "0.01",
      "--on-inconclusive",
      "pass",
    );
    expect(allowed.code).toBe(0);
  });

  it("reads limits files with severities and names the bad path", async () => {
    writeFileSync(
      path.join(directory, "limits.yaml"),
      "limits:\n  max-size: { value: 0.001, severity: warn }\n",
    );
    const warned = await cli("validate", light, "--limits", "limits.yaml", "--json");
    expect(warned.code).toBe(0);
    expect(parseJson<ValidateResult>(warned).checks[0].status).toBe("fail");

    writeFileSync(path.join(directory, "bad.json"), '{"limits": {"max-p95": "fast"}}');
    const bad = await cli("validate", light, "--config", "bad.json");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad.json: limits.max-p95");
  });

  it("stores a fresh measurement as a benchmark that --use-cached, show and log read", async () => {
    const fresh = await cli("validate", heavy, "--max-latency", "500", "--json");
    expect(fresh.code, fresh.stderr).toBe(0);
    const measured = parseJson<ValidateResult>(fresh);
    expect(measured.benchmark_id).toMatch(/^[0-9a-f]{64}$/);
    expect(measured.source).toBe("fresh");

    const cached = await cli("validate", heavy, "--max-latency", "500", "--use-cached", "--json");
    expect(cached.code, cached.stderr).toBe(0);
    expect(parseJson<ValidateResult>(cached)).toMatchObject({
      benchmark_id: measured.benchmark_id,
      source: "cached",
    });

    const show = parseJson<{
      latest_benchmark: { p50_ms: number; runs: number; model_memory_mb: number | null } | null;
    }>(await cli("show", heavy, "--json"));
    expect(show.latest_benchmark?.p50_ms).toBeGreaterThan(0);
    expect(show.latest_benchmark?.runs).toBeGreaterThanOrEqual(2 * 50);
    expect(show.latest_benchmark?.model_memory_mb).toBeGreaterThanOrEqual(0);
    const log = parseJson<{ build_id: string; latest_benchmark: { p50_ms: number } | null }[]>(
      await cli("log", "--json"),
    );
    expect(log.find((entry) => entry.build_id === heavy)?.latest_benchmark?.p50_ms).toBe(
      show.latest_benchmark?.p50_ms,
    );
  });

  it("refuses --use-cached with nothing stored, and a limit-less call", async () => {
    const cached = await cli("validate", lightCopy, "--max-p95", "10", "--use-cached");
    expect(cached.code).toBe(2);
    expect(cached.stderr).toContain("no stored benchmark");
    expect((await cli("validate", light)).code).toBe(2);
    expect((await cli("validate", light, "--max-p95", "-1")).code).toBe(2);
  });
});
