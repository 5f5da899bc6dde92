import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { externalizeInitializers } from "../../src/onnx/external-data.js";
import { makeMlp } from "../../src/onnx/fixtures/mlp.js";
import { encodeModel } from "../../src/onnx/proto.js";
import { ocrClassifier, parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import { registryState } from "../helpers/registry-state.js";

interface LogEntry {
  build_id: string;
  name: string;
  target: string;
  tags: string[];
  size_bytes: number;
  model_hash: string;
}

const workDirectory = temporaryDirectory();
const registry = path.join(workDirectory, ".mlbuild");
const mlpFile = path.join(workDirectory, "mlp.onnx");

function cli(args: string[], cwd = workDirectory) {
  return runCli(args, { cwd });
}

beforeAll(async () => {
  writeFileSync(
    mlpFile,
    encodeModel(makeMlp({ inputSize: 16, hiddenSizes: [32], outputSize: 4, seed: 7 })),
  );
  expect((await cli(["init"])).code).toBe(0);
});

describe("init", () => {
  it("is idempotent: a second init changes nothing", async () => {
    const before = registryState(registry);
    const result = await cli(["init", "--json"]);
    expect(result.code).toBe(0);
    expect(parseJson<{ created: boolean }>(result).created).toBe(false);
    expect(registryState(registry)).toBe(before);
  });

  it("tells the user to run init when there is no registry", async () => {
    const empty = temporaryDirectory();
    const result = await runCli(["log"], { cwd: empty });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/mlbuild init/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe("build, log, show, tag", () => {
  let buildId: string;

  beforeAll(async () => {
    const result = await cli(["build", "--model", ocrClassifier, "--target", "cpu", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    buildId = parseJson<{ build_id: string }>(result).build_id;
  });

  it("records a build whose ID is a SHA-256 and whose artifact is the model's bytes", async () => {
    expect(buildId).toMatch(/^[0-9a-f]{64}$/);
    const show = parseJson<{ artifact: { hash: string; size_bytes: number } }>(
      await cli(["show", buildId, "--json"]),
    );
    expect(show.artifact.size_bytes).toBe(readFileSync(ocrClassifier).byteLength);
  });

  it("says so and changes nothing when the same build is made again", async () => {
    const before = registryState(registry);
    const result = await cli(["build", "--model", ocrClassifier, "--target", "cpu"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/already exists; nothing changed/);
    expect(registryState(registry)).toBe(before);
  });

  it("lists builds newest first as a JSON array for the seed's CI step", async () => {
    const second = parseJson<{ build_id: string }>(
      await cli(["build", "--model", mlpFile, "--target", "cpu:threads=1", "--json"]),
    );
    const result = await cli(["log", "--limit", "1", "--json"]);
    const entries = parseJson<LogEntry[]>(result);
    expect(entries).toHaveLength(1);
    expect(entries[0].build_id).toBe(second.build_id);
    expect(entries[0].target).toBe("cpu:threads=1");
  });

  it("resolves unique prefixes and tags, and keeps every tag move", async () => {
    expect((await cli(["tag", "create", buildId.slice(0, 8), "production"])).code).toBe(0);
    const other = parseJson<LogEntry[]>(await cli(["log", "--json"]))[0].build_id;
    const refused = await cli(["tag", "create", other, "production"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--force/);
    expect((await cli(["tag", "create", other, "production", "--force"])).code).toBe(0);

    const shown = parseJson<{ build_id: string; history: Array<{ action: string }> }>(
      await cli(["tag", "show", "production", "--json"]),
    );
    expect(shown.build_id).toBe(other);
    expect(shown.history.map((move) => move.action)).toEqual(["create", "move"]);

    const viaTag = parseJson<{ build_id: string }>(await cli(["show", "production", "--json"]));
    expect(viaTag.build_id).toBe(other);
    expect((await cli(["tag", "delete", "production"])).code).toBe(0);
    const afterDelete = parseJson<{ build_id: null; history: unknown[] }>(
      await cli(["tag", "show", "production", "--json"]),
    );
    expect(afterDelete.build_id).toBeNull();
    expect(afterDelete.history).toHaveLength(3);
  });

  it("diffs two builds: config, ops, parameters and size", async () => {
    const entries = parseJson<LogEntry[]>(await cli(["log", "--json"]));
    const diff = parseJson<{ config: Array<{ field: string }>; ops: unknown[] }>(
      await cli(["diff", entries[1].build_id, entries[0].build_id, "--json"]),
    );
    expect(diff.config.map((change) => change.field)).toContain("target");
    expect(diff.ops.length).toBeGreaterThan(0);
  });

  it("inspects a file and a build the same way", async () => {
    const fromFile = parseJson<{ summary: { parameterCount: number; inputs: unknown[] } }>(
      await cli(["inspect", mlpFile, "--json"]),
    );
    expect(fromFile.summary.parameterCount).toBe(16 * 32 + 32 + 32 * 4 + 4);
    const human = await cli(["inspect", mlpFile]);
    expect(human.stdout).toBe("");
    expect(human.stderr).toMatch(/MatMul/);
  });
});

describe("bad input leaves the registry as it was", () => {
  const cases: Array<[string, () => string, number, RegExp]> = [
    [
      "a missing file",
      () => path.join(workDirectory, "nope.onnx"),
      2,
      /not found|does not exist|No such/i,
    ],
    ["an empty file", () => write("empty.onnx", new Uint8Array()), 2, /empty/i],
    ["random bytes", () => write("random.onnx", randomBytes(4096)), 2, /ONNX|model/i],
    ["a PNG", () => write("image.onnx", pngHeader()), 2, /PNG/i],
    [
      "a truncated model",
      () => write("cut.onnx", readFileSync(ocrClassifier).subarray(0, 100_000)),
      2,
      /./,
    ],
    [
      "missing external data",
      () => externalModel("missing.onnx", "weights.bin", false),
      2,
      /weights\.bin/,
    ],
    [
      "external data outside the folder",
      () => externalModel("escape.onnx", "../../etc/passwd", false),
      2,
      /outside|folder/i,
    ],
  ];

  for (const [label, makeFile, code, message] of cases) {
    it(`refuses ${label} with exit ${code}`, async () => {
      const file = makeFile();
      const before = registryState(registry);
      const result = await cli(["build", "--model", file, "--target", "cpu"]);
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/hint:/);
      expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      expect(registryState(registry)).toBe(before);
    });
  }

  it("builds a model whose external data sits beside it", async () => {
    const file = externalModel("external.onnx", "external.bin", true);
    const result = await cli(["build", "--model", file, "--json"]);
    expect(result.code, result.stderr).toBe(0);
  });

  it("names the known targets for an unknown one", async () => {
    const result = await cli(["build", "--model", mlpFile, "--target", "tpu"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Known targets: cpu, wasm, cuda, coreml, apple_m1/);
  });

  it("allows building for a host it cannot run, and names the host on use", async () => {
    const result = await cli(["build", "--model", mlpFile, "--target", "cuda", "--json"]);
    expect(result.code, result.stderr).toBe(0);
  });

  it("refuses bad tag names, unknown references and ambiguous prefixes", async () => {
    const entries = parseJson<LogEntry[]>(await cli(["log", "--json"]));
    const before = registryState(registry);
    const badTag = await cli(["tag", "create", entries[0].build_id, "bad/name"]);
    expect(badTag.code).toBe(2);
    expect(badTag.stderr).toMatch(/A-Z, a-z, 0-9/);
    const unknown = await cli(["show", "deadbeef"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/mlbuild log/);
    expect(registryState(registry)).toBe(before);
  });

  it("rejects an unknown flag with exit 2", async () => {
    const result = await cli(["log", "--frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option/);
  });

  it("prints a stack trace only with --verbose", async () => {
    const quiet = await cli(["show", "nosuchtag"]);
    const verbose = await cli(["show", "nosuchtag", "--verbose"]);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(workDirectory, name);
  writeFileSync(file, bytes);
  return file;
}

function randomBytes(length: number): Uint8Array {
  let state = 12345;
  return Uint8Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 24;
  });
}

function pngHeader(): Uint8Array {
  return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(64)]);
}

function externalModel(name: string, location: string, writeData: boolean): string {
  const model = makeMlp({ inputSize: 64, hiddenSizes: [64], outputSize: 8, seed: 3 });
  const { model: external, data } = externalizeInitializers(model, location, { minimumBytes: 256 });
  const file = write(name, encodeModel(external));
  if (writeData) writeFileSync(path.join(workDirectory, location), data);
  return file;
}
