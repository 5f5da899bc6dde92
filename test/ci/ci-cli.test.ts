/**
 * `mlbuild ci` and `mlbuild report` through the real CLI: bad configs are refused with the path
 * inside the file and exit 2 before anything is created; a job summary that cannot be written
 * is a warning; `--json` keeps stdout one document; a report of an unmeasured build is refused.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeMlp } from "../../src/onnx/fixtures.js";
import { saveModel } from "../../src/onnx/model.js";
import type { Report } from "../../src/report/types.js";
import { parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";

const directory = temporaryDirectory("mlbuild-ci-");
const registry = path.join(directory, ".mlbuild");
const ci = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(["--registry", registry, "ci", ...args], { cwd: directory, env });

beforeAll(async () => {
  const model = makeMlp({ inputSize: 16, hiddenSizes: [16], outputSize: 4, seed: 9, batch: 1 });
  await saveModel(model, path.join(directory, "model.onnx"));
});

function writeConfig(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  return file;
}

describe("ci: a bad config is bad input (exit 2), named by its path, and creates nothing", () => {
  const cases: Array<[string, string, string]> = [
    [
      "unknown top-level key",
      "models: [{ path: model.onnx }]\nbugdet: 5m\n",
      "bugdet: unknown key",
    ],
    [
      "unknown model key",
      "models:\n  - path: model.onnx\n    target: cpu\n",
      "models[0].target: unknown key",
    ],
    ["wrong type", "models:\n  - path: model.onnx\n    targets: cpu\n", "models[0].targets:"],
    ["missing model file", "models:\n  - path: missing.onnx\n", "models[0].path: no such file"],
    [
      "unknown target",
      "models:\n  - path: model.onnx\n    targets: [cpu, gpu9]\n",
      "models[0].targets[1]:",
    ],
    [
      "bad limit severity",
      "models: [{ path: model.onnx }]\nlimits: { max-p95: { value: 3, severity: loud } }\n",
      "limits.max-p95.severity:",
    ],
    ["no models", "limits: { max-p95: 3 }\n", "models:"],
  ];
  for (const [what, text, expected] of cases) {
    it(what, async () => {
      const file = writeConfig("bad.yaml", text);
      const result = await ci(["--config", file]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`bad.yaml: ${expected}`);
      expect(existsSync(registry)).toBe(false);
    });
  }

  it("says how to start when there is no config at all", async () => {
    const empty = temporaryDirectory("mlbuild-ci-empty-");
    writeFileSync(path.join(empty, ".git"), "");
    const result = await runCli(["--registry", registry, "ci", "--json"], { cwd: empty });
    expect(result.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe("CONFIG_NONE");
    expect(result.stderr).toContain("mlbuild.config.yaml");
  });

  it("finds the `mlbuild` key of package.json", async () => {
    const project = temporaryDirectory("mlbuild-ci-package-");
    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "x", mlbuild: { models: [{ path: "nope.onnx" }] } }),
    );
    const result = await runCli(["--registry", registry, "ci"], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("package.json: models[0].path: no such file 'nope.onnx'");
  });
});

describe("ci: outputs", () => {
  const config = `
models:
  - path: model.onnx
    name: tiny
limits:
  max-size: 10
  max-p95: { value: 0.000001, severity: warn }
benchmark: { runs: 60, warmup: 2 }
outputs: { json: out/report.json, junit: out/junit.xml }
`;

  it("warns when the job summary cannot be written, and still passes", async () => {
    const file = writeConfig("mlbuild.config.yaml", config);
    const result = await ci(["--config", file], {
      GITHUB_STEP_SUMMARY: path.join(directory, "no-such-folder", "summary.md"),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Warning: could not write the job summary to .*ENOENT/);
    // The warn-severity limit failed: an annotation on stdout, a pass for the job.
    expect(result.stdout).toMatch(/^::warning title=mlbuild max-p95::tiny \(cpu, fp32\)/m);
    expect(existsSync(path.join(directory, "out", "junit.xml"))).toBe(true);
  });

  it("keeps stdout one JSON document with --json: annotations go to stderr", async () => {
    writeConfig("mlbuild.config.yaml", config); // found by discovery, without --config
    const result = await ci(["--json"]);
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson<Report>(result);
    expect(report.schema).toBe("mlbuild.report/v1");
    expect(report.entries[0].validation?.checks.map((check) => check.gate)).toEqual([
      "max-p95",
      "max-size",
    ]);
    expect(result.stderr).toContain("::warning title=mlbuild max-p95::");
  });
});

describe("report", () => {
  it("refuses a build that has no stored benchmark, with the command that makes one", async () => {
    const built = await runCli(
      [
        "--registry",
        registry,
        "build",
        "--model",
        "model.onnx",
        "--target",
        "cpu:threads=1",
        "--json",
      ],
      { cwd: directory },
    );
    const buildId = parseJson<{ build_id: string }>(built).build_id;
    for (const format of ["md", "html", "junit", "json"]) {
      const result = await runCli(["--registry", registry, "report", buildId, "--format", format], {
        cwd: directory,
      });
      expect(result.code, format).toBe(2);
      expect(result.stderr).toContain("has no stored benchmark");
      expect(result.stderr).toContain(`mlbuild benchmark ${buildId.slice(0, 12)}`);
      expect(result.stdout).toBe("");
    }
  });

  it("rejects more than two references", async () => {
    const result = await runCli(["--registry", registry, "report", "a", "b", "c"], {
      cwd: directory,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("one or two references");
  });
});
