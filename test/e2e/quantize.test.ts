/**
 * `build --quantize` through the real CLI: identity and accuracy of transformed builds, and a
 * clear exit-2 message, with the registry unchanged, for each kind of bad input.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeFixture } from "../../src/onnx/fixtures.js";
import { writeNpy } from "../../src/runtime/npy.js";
import { ocrClassifier, parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import { registryState } from "../helpers/registry-state.js";

interface BuildOutput {
  build_id: string;
  build: { artifactHash: string; accuracy: Record<string, unknown> | null };
  transforms: Record<string, Record<string, unknown>>;
}

const accuracyKeys = [
  "cosine_similarity",
  "inputs_source",
  "max_abs_error",
  "mean_abs_error",
  "samples",
  "sqnr_db",
  "top1_agreement",
];

let workDir: string;
let registry: string;
const models: Record<string, string> = {};

async function cli(args: string[], registryDir = registry) {
  return runCli([...args, "--registry", registryDir], { cwd: workDir });
}

beforeAll(async () => {
  workDir = temporaryDirectory("mlbuild-quantize-");
  registry = path.join(workDir, ".mlbuild");
  for (const name of ["mlp-small", "no-weights", "large-weights"]) {
    models[name] = await writeFixture(name, workDir);
  }
  expect((await cli(["init"])).code).toBe(0);
});

describe("transformed builds", () => {
  it("fp16 gives the same build_id and artifact in two fresh registries", async () => {
    const args = ["build", "--model", models["mlp-small"], "--quantize", "fp16", "--json"];
    const first = parseJson<BuildOutput>(await cli(args));
    const otherRegistry = path.join(temporaryDirectory(), ".mlbuild");
    expect((await cli(["init"], otherRegistry)).code).toBe(0);
    const second = parseJson<BuildOutput>(await cli(args, otherRegistry));
    expect(second.build_id).toBe(first.build_id);
    expect(second.build.artifactHash).toBe(first.build.artifactHash);
    expect(Object.keys(first.build.accuracy ?? {}).sort()).toEqual(accuracyKeys);
  });

  it(
    "int8 records accuracy with top-1 agreement for a classifier, " + "and show prints it",
    async () => {
      const result = await cli([
        "build",
        "--model",
        models["mlp-small"],
        "--quantize",
        "int8",
        "--json",
      ]);
      expect(result.code).toBe(0);
      const output = parseJson<BuildOutput>(result);
      expect(output.transforms["quantize:int8"].quantized).toEqual({ MatMul: 3 });
      expect(output.build.accuracy?.top1_agreement).toBeGreaterThan(0.8);
      expect(output.build.accuracy?.cosine_similarity).toBeGreaterThan(0.99);

      const shown = await cli(["show", output.build_id]);
      expect(shown.stderr).toMatch(/accuracy: +max error [0-9.e-]+, mean .*cosine .*SQNR .*top-1/);
    },
  );

  it("int8-static calibrates on the samples of --calibration", async () => {
    const calibration = path.join(workDir, "calibration");
    for (const sample of ["a", "b"]) {
      mkdirSync(path.join(calibration, sample), { recursive: true });
      const data = Float32Array.from({ length: 256 }, (_, index) =>
        Math.sin(index + sample.length),
      );
      writeFileSync(
        path.join(calibration, sample, "input.npy"),
        writeNpy({ dtype: "float32", shape: [1, 256], data }),
      );
    }
    const args = ["build", "--model", models["mlp-small"], "--quantize", "int8-static"];
    const result = await cli([...args, "--calibration", calibration, "--json"]);
    expect(result.code).toBe(0);
    const output = parseJson<BuildOutput>(result);
    expect(output.build.accuracy?.inputs_source).toBe(`calibration:${calibration}`);
    expect(output.build.accuracy?.samples).toBe(2);
  });

  it("fp16 on weights beyond the float16 range clamps them and says so", async () => {
    const result = await cli(["build", "--model", models["large-weights"], "--quantize", "fp16"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/clamped \d+ weights beyond ±65504 .* in large_weight/);
  });
});

describe("inspect --divergence", () => {
  it("names the first value where the transformed model departs from its source", async () => {
    const args = ["build", "--model", models["large-weights"], "--quantize", "fp16", "--json"];
    const built = parseJson<BuildOutput>(await cli(args));
    const result = await cli(["inspect", built.build_id.slice(0, 8), "--divergence", "--json"]);
    expect(result.code).toBe(0);
    const report = parseJson<{
      first_offender: { value: string; finite: boolean } | null;
      layers: Array<{ value: string }>;
    }>(result);
    // The clamped weights make the MatMul overflow float16 before the scaling Mul brings it back.
    expect(report.first_offender).toMatchObject({ value: "matmul_0", finite: false });
    expect(report.layers.map((layer) => layer.value)).toEqual(["matmul_0", "output"]);
  });
});

describe("bad input leaves the registry unchanged", () => {
  async function expectRefused(args: string[], message: RegExp): Promise<void> {
    const before = registryState(registry);
    const result = await cli(["build", ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
    expect(registryState(registry)).toBe(before);
  }

  it("a model with no float weights has nothing to quantize, unless --allow-noop", async () => {
    await expectRefused(
      ["--model", models["no-weights"], "--quantize", "int8"],
      /Nothing to quantize/,
    );
    const allowed = await cli([
      "build",
      "--model",
      models["no-weights"],
      "--quantize",
      "int8",
      "--allow-noop",
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/nothing to quantize; the artifact is the source model/);
  });

  it("an empty calibration folder", async () => {
    const empty = path.join(workDir, "empty");
    mkdirSync(empty, { recursive: true });
    const args = [
      "--model",
      models["mlp-small"],
      "--quantize",
      "int8-static",
      "--calibration",
      empty,
    ];
    await expectRefused(args, /Calibration folder .* holds no samples/);
  });

  it("calibration samples of the wrong shape or dtype", async () => {
    const wrongShape = path.join(workDir, "wrong-shape");
    mkdirSync(wrongShape, { recursive: true });
    const shapeData = new Float32Array(100);
    writeFileSync(
      path.join(wrongShape, "input.npy"),
      writeNpy({ dtype: "float32", shape: [1, 100], data: shapeData }),
    );
    const base = ["--model", models["mlp-small"], "--quantize", "int8-static", "--calibration"];
    await expectRefused([...base, wrongShape], /Calibration sample .*shape/);

    const wrongType = path.join(workDir, "wrong-dtype");
    mkdirSync(wrongType, { recursive: true });
    const typeData = new Float64Array(256);
    writeFileSync(
      path.join(wrongType, "input.npy"),
      writeNpy({ dtype: "float64", shape: [1, 256], data: typeData }),
    );
    await expectRefused([...base, wrongType], /Calibration sample .*float64/);
  });

  it("an opset the transform cannot handle is named", async () => {
    await expectRefused(
      ["--model", ocrClassifier, "--quantize", "int8-static"],
      /opset 10 or later; the model imports opset 9/,
    );
  });
});
