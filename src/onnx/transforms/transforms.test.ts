import { describe, expect, it } from "vitest";
import { floatTensor, makeGraph, makeModel, makeNode, makeValueInfo } from "../builder.js";
import {
  makeCnn,
  makeControlFlowModel,
  makeLargeWeightsModel,
  makeMlp,
  makeNoWeightsModel,
} from "../fixtures.js";
import { walkGraphs, walkNodes } from "../graph.js";
import { encodeModel, type ModelProto, TensorProto_DataType } from "../proto.js";
import { HistogramCollector, MinMaxCollector, uint8Parameters } from "./calibration.js";
import { convertToFloat16 } from "./fp16.js";
import { quantizeDynamic } from "./int8-dynamic.js";
import { quantizeStatic, staticQuantizationTargets } from "./int8-static.js";
import { declaredElementType } from "./value-types.js";
import { quantizeWeight } from "./weights.js";

const FLOAT = TensorProto_DataType.FLOAT;
const FLOAT16 = TensorProto_DataType.FLOAT16;
const mlp = () => makeMlp({ inputSize: 16, hiddenSizes: [32], outputSize: 4, seed: 1 });
const ops = (model: ModelProto) => [...walkNodes(model.graph!)].map((node) => node.opType);

describe("fp16", () => {
  it(
    "turns every float32 weight into float16 and keeps float32 inputs and outputs " +
      "behind Casts",
    () => {
      const { model, report } = convertToFloat16(mlp());
      const graph = model.graph!;
      expect(graph.initializer.every((tensor) => tensor.dataType === FLOAT16)).toBe(true);
      expect(declaredElementType(graph.input[0].type)).toBe(FLOAT);
      expect(declaredElementType(graph.output[0].type)).toBe(FLOAT);
      expect(graph.node[0].opType).toBe("Cast");
      expect(graph.node.at(-1)?.opType).toBe("Cast");
      expect(report.castsInserted).toBe(2);
      expect(report.clampedValues).toBe(0);
    },
  );

  it("makes inputs and outputs float16 when keepIoTypes is false", () => {
    const { model } = convertToFloat16(mlp(), { keepIoTypes: false });
    expect(declaredElementType(model.graph!.input[0].type)).toBe(FLOAT16);
    expect(declaredElementType(model.graph!.output[0].type)).toBe(FLOAT16);
    expect(ops(model)).not.toContain("Cast");
  });

  it("clamps weights beyond ±65504 and reports them", () => {
    const { model, report } = convertToFloat16(makeLargeWeightsModel(3));
    expect(report.clampedValues).toBeGreaterThan(0);
    expect(report.clampedTensors).toEqual(["large_weight"]);
    expect(report.largestMagnitude).toBeGreaterThan(65504);
    const weight = model.graph!.initializer.find((tensor) => tensor.name === "large_weight")!;
    const bits = new Uint16Array(weight.rawData.slice().buffer);
    // No infinity (exponent all ones) among the stored values.
    expect([...bits].some((value) => (value & 0x7c00) === 0x7c00)).toBe(false);
  });

  it("converts initializers and value types inside If and Loop subgraphs", () => {
    const { model } = convertToFloat16(makeControlFlowModel(5));
    const subgraphs = [...walkGraphs(model.graph!)].slice(1);
    expect(subgraphs.length).toBe(3);
    for (const graph of subgraphs) {
      expect(graph.initializer.every((tensor) => tensor.dataType === FLOAT16)).toBe(true);
      for (const info of [...graph.input, ...graph.output]) {
        expect(declaredElementType(info.type)).not.toBe(FLOAT);
      }
    }
  });

  it("keeps block-listed operators in float32 with Casts around them", () => {
    const graph = makeGraph({
      nodes: [makeNode("Pow", ["x", "two"], ["squared"]), makeNode("Mul", ["squared", "w"], ["y"])],
      inputs: [makeValueInfo("x", FLOAT, [2])],
      outputs: [makeValueInfo("y", FLOAT, [2])],
      initializers: [floatTensor("two", [], [2]), floatTensor("w", [2], [1, 2])],
    });
    const { model, report } = convertToFloat16(makeModel(graph));
    expect(report.blockedNodes).toEqual({ Pow: 1 });
    const pow = model.graph!.node.find((node) => node.opType === "Pow")!;
    // The exponent only Pow reads stays float32; the activation is widened by a Cast.
    expect(model.graph!.initializer.find((tensor) => tensor.name === "two")?.dataType).toBe(FLOAT);
    const producer = model.graph!.node.find((node) => node.output.includes(pow.input[0]));
    expect(producer?.opType).toBe("Cast");
  });

  it("says there is nothing to quantize for a model without weights, unless allowed", () => {
    expect(() => convertToFloat16(makeNoWeightsModel())).toThrow(/Nothing to quantize/);
    const { report } = convertToFloat16(makeNoWeightsModel(), { allowNoop: true });
    expect(report.noop).toBe(true);
  });

  it("gives the same bytes for the same input", () => {
    const first = encodeModel(convertToFloat16(mlp()).model);
    const second = encodeModel(convertToFloat16(mlp()).model);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });
});

describe("int8 dynamic", () => {
  it(
    "quantizes MatMul weights and runs activations through DynamicQuantizeLinear + " +
      "MatMulInteger",
    () => {
      const { model, report } = quantizeDynamic(mlp());
      expect(report.quantized).toEqual({ MatMul: 2 });
      const kinds = ops(model);
      expect(kinds).toContain("DynamicQuantizeLinear");
      expect(kinds).toContain("MatMulInteger");
      expect(kinds).not.toContain("MatMul");
      expect(kinds).not.toContain("DequantizeLinear");
      const weights = model.graph!.initializer.filter((tensor) => tensor.dims.length === 2);
      expect(weights.every((tensor) => tensor.dataType === TensorProto_DataType.UINT8)).toBe(true);
    },
  );

  it("quantizes Conv with ConvInteger and Gemm with MatMulInteger", () => {
    const cnn = makeCnn({ channels: 3, imageSize: 8, classes: 4, seed: 2 });
    const { model, report } = quantizeDynamic(cnn);
    expect(report.quantized).toEqual({ Conv: 2, Gemm: 1 });
    expect(ops(model)).toContain("ConvInteger");
  });

  it("uses ONNX Runtime's fused operator before opset 11 and names why Conv is left float", () => {
    const cnn = makeModel(makeCnn({ channels: 3, imageSize: 8, classes: 4, seed: 2 }).graph!, {
      opsets: { "": 10 },
    });
    const { model, report } = quantizeDynamic(cnn);
    expect(ops(model)).toContain("DynamicQuantizeMatMul");
    expect(report.skipped[0].reason).toMatch(/opset 11.*opset 10/);
    expect(model.opsetImport.map((opset) => opset.domain)).toContain("com.microsoft");
  });

  it("says there is nothing to quantize for a model without weights", () => {
    expect(() => quantizeDynamic(makeNoWeightsModel())).toThrow(/Nothing to quantize/);
  });

  it("quantizes symmetric per channel, each channel using its full range", () => {
    const weight = quantizeWeight(Float32Array.from([1, -0.5, 0.01, 0.02]), [2, 2], 1);
    expect(Array.from(weight.scales)).toEqual([1 / 127, 0.5 / 127].map(Math.fround));
    expect(Array.from(weight.values)).toEqual([255, 1, 128 + 1, 128 + 5]);
  });
});

describe("int8 static", () => {
  it("writes QDQ pairs with calibrated ranges and per-channel weights", () => {
    const source = mlp();
    const targets = staticQuantizationTargets(source);
    const ranges = new Map(targets.map((name) => [name, { min: -1, max: 2 }]));
    const { model, report } = quantizeStatic(source, ranges);
    expect(report.quantizedNodes).toBe(2);
    const dequantize = model.graph!.node.filter((node) => node.opType === "DequantizeLinear");
    expect(
      dequantize.some((node) => node.attribute.some((attribute) => attribute.name === "axis")),
    ).toBe(true);
    expect(ops(model).filter((op) => op === "MatMul")).toHaveLength(2);
  });

  it("derives uint8 parameters that represent zero exactly", () => {
    expect(uint8Parameters({ min: -1, max: 3 })).toEqual({ scale: 4 / 255, zeroPoint: 64 });
    expect(uint8Parameters({ min: 2, max: 4 }).zeroPoint).toBe(0);
  });

  it("percentile calibration ignores a single extreme value that MinMax keeps", () => {
    const values = Float32Array.from({ length: 100_000 }, (_, index) => (index % 100) / 100);
    values[0] = 1000;
    const minMax = new MinMaxCollector();
    minMax.observe("x", values);
    expect(minMax.ranges.get("x")?.max).toBe(1000);
    const histogram = new HistogramCollector(minMax.ranges);
    histogram.observe("x", values);
    expect(histogram.ranges().get("x")?.max).toBeLessThan(2);
  });
});
