import { execFileSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeMlp } from "../../src/onnx/fixtures/mlp.js";
import { encodeModel } from "../../src/onnx/proto.js";
import { parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";

const directory = temporaryDirectory();
const modelFile = path.join(directory, "models", "model.onnx");

function git(...args: string[]): string {
  return execFileSync("git", args, { cwd: directory, encoding: "utf8" }).trim();
}

beforeAll(async () => {
  git("init", "-q");
  git("config", "user.email", "ci@example.invalid");
  git("config", "user.name", "CI");
  execFileSync("mkdir", ["-p", path.dirname(modelFile)]);
  writeFileSync(
    modelFile,
    encodeModel(makeMlp({ inputSize: 8, hiddenSizes: [8], outputSize: 2, seed: 5 })),
  );
  git("add", ".");
  git("commit", "-qm", "v1");
  writeFileSync(
    modelFile,
    encodeModel(makeMlp({ inputSize: 8, hiddenSizes: [16], outputSize: 2, seed: 6 })),
  );
  expect((await runCli(["init"], { cwd: directory })).code).toBe(0);
});

describe("git sources", () => {
  it("builds the model as it was at a revision", async () => {
    const atHead = await runCli(["build", "--model", "git:HEAD:models/model.onnx", "--json"], {
      cwd: directory,
    });
    const working = await runCli(["build", "--model", "models/model.onnx", "--json"], {
      cwd: directory,
    });
    expect(atHead.code, atHead.stderr).toBe(0);
    const fromGit = parseJson<{
      build: { sourceLabel: string; summary: { parameterCount: number } };
    }>(atHead);
    const fromTree = parseJson<{ build: { summary: { parameterCount: number } } }>(working);
    expect(fromGit.build.sourceLabel).toBe("git:HEAD:models/model.onnx");
    expect(fromGit.build.summary.parameterCount).toBe(8 * 8 + 8 + 8 * 2 + 2);
    expect(fromTree.build.summary.parameterCount).toBe(8 * 16 + 16 + 16 * 2 + 2);
  });

  it("names an unknown revision and exits 2", async () => {
    const result = await runCli(["build", "--model", "git:no-such-branch:models/model.onnx"], {
      cwd: directory,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no-such-branch/);
  });
});

describe("output conventions", () => {
  it("keeps stdout for the JSON document only", async () => {
    const human = await runCli(["log"], { cwd: directory });
    expect(human.stdout).toBe("");
    const machine = await runCli(["log", "--json"], { cwd: directory });
    expect(Array.isArray(JSON.parse(machine.stdout))).toBe(true);
  });

  it("prints an error as JSON too with --json, and nothing else on stdout", async () => {
    const result = await runCli(["show", "nope", "--json"], { cwd: directory });
    expect(result.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe("REF_UNKNOWN");
  });

  it("is silent with --quiet but for errors", async () => {
    const result = await runCli(["log", "--quiet"], { cwd: directory });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("never colours when NO_COLOR is set or --no-color is given", async () => {
    for (const args of [
      ["show", "nope"],
      ["show", "nope", "--no-color"],
    ]) {
      const result = await runCli(args, { cwd: directory });
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes.
      expect(result.stderr).not.toMatch(/\x1b\[/);
    }
  });

  it("finds .mlbuild/ from a subfolder, and honours --registry and MLBUILD_DIR", async () => {
    const fromSubfolder = await runCli(["log", "--json"], { cwd: path.join(directory, "models") });
    expect(parseJson<unknown[]>(fromSubfolder).length).toBeGreaterThan(0);
    const elsewhere = temporaryDirectory();
    const viaFlag = await runCli(
      ["log", "--json", "--registry", path.join(directory, ".mlbuild")],
      {
        cwd: elsewhere,
      },
    );
    expect(viaFlag.code).toBe(0);
    const viaEnv = await runCli(["log", "--json"], {
      cwd: elsewhere,
      env: { MLBUILD_DIR: path.join(directory, ".mlbuild") },
    });
    expect(viaEnv.stdout).toBe(viaFlag.stdout);
  });
});

describe("doctor", () => {
  it("reports Node.js, both runtimes, the registry and the targets", async () => {
    const result = await runCli(["doctor", "--json"], { cwd: directory });
    expect(result.code, result.stderr).toBe(0);
    const report = parseJson<{ healthy: boolean; checks: Array<{ name: string; status: string }> }>(
      result,
    );
    const names = report.checks.map((check) => check.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "node",
        "onnxruntime-node",
        "onnxruntime-web",
        "registry integrity",
        "objects",
      ]),
    );
    expect(report.checks.find((check) => check.name === "target cuda")?.status).toBe("warn");
    expect(report.healthy).toBe(true);
  });

  it("finds an artifact that no longer matches its hash", async () => {
    const log = parseJson<Array<{ build_id: string }>>(
      await runCli(["log", "--json"], { cwd: directory }),
    );
    const shown = parseJson<{ artifact: { hash: string } }>(
      await runCli(["show", log[0].build_id, "--json"], { cwd: directory }),
    );
    const hash = shown.artifact.hash;
    appendFileSync(
      path.join(directory, ".mlbuild", "objects", "sha256", hash.slice(0, 2), hash.slice(2)),
      "x",
    );
    const result = await runCli(["doctor", "--json"], { cwd: directory });
    expect(result.code).toBe(4);
    const objects = parseJson<{ checks: Array<{ name: string; status: string; detail: string }> }>(
      result,
    ).checks.find((check) => check.name === "objects");
    expect(objects?.status).toBe("fail");
    expect(objects?.detail).toMatch(log[0].build_id.slice(0, 12));
  });
});
