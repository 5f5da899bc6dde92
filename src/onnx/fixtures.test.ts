import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromFloat16Bits } from "../runtime/float16.js";
import {
  buildFixture,
  fixtureNames,
  makeCnn,
  makeExampleModel,
  makeMlp,
  makeTransformerBlock,
  writeFixture,
} from "./fixtures.js";
import { loadModelBuffer, loadModelFile } from "./model.js";
import { encodeModel, type ModelProto } from "./proto.js";
import { concreteShape, makeRandomInputs } from "./random-inputs.js";
import { summarizeModel } from "./summary.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mlbuild-onnx-fixtures-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs the model in ONNX Runtime on seeded inputs with the given symbolic sizes and checks every
 * output has the declared shape and only finite values.
 */
async function expectRuns(modelSource: string | Uint8Array, dimensions: Record<string, number>) {
  const loaded =
    typeof modelSource === "string"
      ? await loadModelFile(modelSource)
      : await loadModelBuffer(modelSource);
  const summary = summarizeModel(loaded);
  const feeds = Object.fromEntries(
    makeRandomInputs(summary.inputs, { seed: 7, dimensions }).map((input) => [
      input.name,
      new ort.Tensor(input.dtype as ort.Tensor.Type, input.data, input.dims),
    ]),
  );
  const session =
    typeof modelSource === "string"
      ? await ort.InferenceSession.create(modelSource)
      : await ort.InferenceSession.create(modelSource);

  try {
    const results = await session.run(feeds);
    for (const output of summary.outputs) {
      const result = results[output.name];
      expect(result.type).toBe(output.dtype);
      expect(result.dims).toEqual(concreteShape(output, dimensions));
      const values =
        result.type === "float16"
          ? fromFloat16Bits(result.data as Uint16Array)
          : Array.from(result.data as Float32Array, Number);
      expect(values.every((value) => Number.isFinite(value))).toBe(true);
    }
  } finally {
    await session.release();
  }
}

describe("fixture presets", () => {
  it.each(fixtureNames())("%s runs in ONNX Runtime at batch 3", async (name) => {
    const modelPath = await writeFixture(name, dir);
    await expectRuns(modelPath, { batch: 3 });
  });

  it.each(fixtureNames())("%s is byte-identical when built twice", async (name) => {
    const first = buildFixture(name);
    const second = buildFixture(name);
    expect(
      Buffer.from(encodeModel(first.model)).equals(Buffer.from(encodeModel(second.model))),
    ).toBe(true);
    expect(first.externalData?.data).toEqual(second.externalData?.data);
  });

  it("writes the same file bytes on every run", async () => {
    const firstPath = await writeFixture("cnn-small", await mkdtemp(path.join(dir, "a-")));
    const secondPath = await writeFixture("cnn-small", await mkdtemp(path.join(dir, "b-")));
    expect((await readFile(firstPath)).equals(await readFile(secondPath))).toBe(true);
  });
});

describe("fixture builders", () => {
  const encode = (model: ModelProto) => Buffer.from(encodeModel(model));

  it("give different weights for different seeds and the same for the same seed", () => {
    const options = { inputSize: 8, hiddenSizes: [16], outputSize: 4 };
    const seedOne = encode(makeMlp({ ...options, seed: 1 }));
    expect(encode(makeMlp({ ...options, seed: 1 })).equals(seedOne)).toBe(true);
    expect(encode(makeMlp({ ...options, seed: 2 })).equals(seedOne)).toBe(false);
  });

  it("make an MLP without Softmax end in Add", async () => {
    const model = makeMlp({
      inputSize: 8,
      hiddenSizes: [],
      outputSize: 4,
      seed: 1,
      softmax: false,
    });
    expect(model.graph?.node.map((node) => node.opType)).toEqual(["MatMul", "Add"]);
    await expectRuns(encodeModel(model), { batch: 2 });
  });

  it("make a transformer block with a symbolic sequence length", async () => {
    const model = makeTransformerBlock({
      sequenceLength: "sequence",
      dModel: 32,
      heads: 4,
      ffDim: 64,
      seed: 3,
    });
    const summary = summarizeModel(await loadModelBuffer(encodeModel(model)));
    expect(summary.inputs[0].shape).toEqual(["batch", "sequence", 32]);
    expect(summary.opHistogram).toMatchObject({
      LayerNormalization: 2,
      Softmax: 1,
      Erf: 1,
      Transpose: 4,
      Reshape: 4,
    });
    await expectRuns(encodeModel(model), { batch: 2, sequence: 5 });
  });

  it("make a CNN with a fixed batch and more blocks", async () => {
    const model = makeCnn({
      channels: 1,
      imageSize: 16,
      classes: 3,
      seed: 4,
      filters: [4, 8, 8],
      batch: 2,
    });
    const summary = summarizeModel(await loadModelBuffer(encodeModel(model)));
    expect(summary.inputs[0].shape).toEqual([2, 1, 16, 16]);
    expect(summary.opHistogram).toMatchObject({
      Conv: 3,
      MaxPool: 2,
      GlobalAveragePool: 1,
      Gemm: 1,
    });
    await expectRuns(encodeModel(model), {});
  });

  it("keep the large-weights fixture beyond the float16 range", async () => {
    const model = buildFixture("large-weights").model;
    const weight = model.graph!.initializer.find((tensor) => tensor.name === "large_weight")!;
    const values = new Float32Array(new Uint8Array(weight.rawData).buffer);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(65504);
  });
});

describe("bundled example", () => {
  it("is what the generator makes today, under 2 MB, and runs", async () => {
    const examplePath = path.resolve(import.meta.dirname, "../../examples/model.onnx");
    const committed = await readFile(examplePath);

    expect(committed.byteLength).toBeLessThan(2 * 1024 * 1024);
    expect(committed.equals(Buffer.from(encodeModel(makeExampleModel())))).toBe(true);
    await expectRuns(examplePath, { batch: 1 });
  });
});
