import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { makeMlp } from "../../src/onnx/fixtures/mlp.js";
import { encodeModel } from "../../src/onnx/proto.js";
import { parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import { registryState } from "../helpers/registry-state.js";

function artifactPath(registry: string, hash: string): string {
  return path.join(registry, "objects", "sha256", hash.slice(0, 2), hash.slice(2));
}

async function freshRegistry(): Promise<string> {
  const directory = temporaryDirectory();
  expect((await runCli(["init"], { cwd: directory })).code).toBe(0);
  return directory;
}

describe("build identity", () => {
  it("gives the same build_id and byte-identical artifacts in two fresh registries", async () => {
    const model = encodeModel(
      makeMlp({ inputSize: 8, hiddenSizes: [16], outputSize: 3, seed: 11 }),
    );
    const results = [];
    for (const directory of [await freshRegistry(), await freshRegistry()]) {
      // Different file names and folders: only the bytes and the config make the identity.
      const file = path.join(directory, `model-${results.length}.onnx`);
      writeFileSync(file, model);
      const built = await runCli(["build", "--model", file, "--json"], { cwd: directory });
      expect(built.code, built.stderr).toBe(0);
      const { build } = parseJson<{ build: { buildId: string; artifactHash: string } }>(built);
      results.push({
        build,
        bytes: readFileSync(artifactPath(path.join(directory, ".mlbuild"), build.artifactHash)),
      });
    }
    expect(results[0].build.buildId).toBe(results[1].build.buildId);
    expect(Buffer.compare(results[0].bytes, results[1].bytes)).toBe(0);
  });

  it("gives a different build_id when the config differs", async () => {
    const directory = await freshRegistry();
    const file = path.join(directory, "model.onnx");
    writeFileSync(
      file,
      encodeModel(makeMlp({ inputSize: 8, hiddenSizes: [8], outputSize: 2, seed: 1 })),
    );
    const ids = new Set<string>();
    for (const target of ["cpu", "cpu:threads=1", "wasm"]) {
      const built = await runCli(["build", "--model", file, "--target", target, "--json"], {
        cwd: directory,
      });
      expect(built.code, built.stderr).toBe(0);
      ids.add(parseJson<{ build_id: string }>(built).build_id);
    }
    expect(ids.size).toBe(3);
  });

  it("lets two builds run at once on one registry and loses neither", async () => {
    const directory = await freshRegistry();
    const files = [1, 2, 3, 4].map((seed) => {
      const file = path.join(directory, `model-${seed}.onnx`);
      writeFileSync(
        file,
        encodeModel(makeMlp({ inputSize: 8, hiddenSizes: [8], outputSize: 2, seed })),
      );
      return file;
    });
    const results = await Promise.all(
      files.map((file) => runCli(["build", "--model", file], { cwd: directory })),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const log = parseJson<unknown[]>(await runCli(["log", "--json"], { cwd: directory }));
    expect(log).toHaveLength(4);
  });
});

describe("registry guards", () => {
  it("lists the candidates of an ambiguous prefix and exits 2", async () => {
    const directory = await freshRegistry();
    const database = new BetterSqlite3(path.join(directory, ".mlbuild", "registry.db"));
    const insert = database.prepare(
      "INSERT INTO builds (build_id, created_seq, created_at, source_hash, source_label, target, " +
        "quantization, config_json, toolchain_json, artifact_hash, artifact_size, " +
        "artifact_location, summary_json) VALUES (?, ?, '2026-01-01', 'h', 'x', 'cpu', 'fp32', " +
        "'{}', '{}', 'a', 1, 'local', '{}')",
    );
    insert.run(`abcd1${"0".repeat(59)}`, 1);
    insert.run(`abcd2${"0".repeat(59)}`, 2);
    database.close();

    const result = await runCli(["show", "abcd"], { cwd: directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/abcd10000000, abcd20000000/);
    const unique = await runCli(["show", "abcd1", "--json"], { cwd: directory });
    expect(parseJson<{ build_id: string }>(unique).build_id).toMatch(/^abcd1/);
  });

  it("refuses a registry written by a newer schema and never downgrades it", async () => {
    const directory = await freshRegistry();
    const registry = path.join(directory, ".mlbuild");
    const database = new BetterSqlite3(path.join(registry, "registry.db"));
    database.prepare("INSERT INTO schema_migrations VALUES (999, 'from the future', 'now')").run();
    database.close();
    const before = registryState(registry);

    const result = await runCli(["log"], { cwd: directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/schema version 999/);
    expect(result.stderr).toMatch(/Upgrade mlbuild/);
    expect(registryState(registry)).toBe(before);
  });
});
