/**
 * Decides which nodes an int8 transform quantizes, keeps the new weight initializers until the
 * rewrite is done, and writes the report: what was quantized, and what was left float and why.
 */
import { findAttribute, floatTensor } from "../builder.js";
import { walkGraphs } from "../graph.js";
import type { GraphProto, ModelProto, NodeProto, TensorProto } from "../proto.js";
import { TensorProto_DataType } from "../proto.js";
import { int8WeightInputs } from "./block-lists.js";
import { nothingToQuantize } from "./fp16.js";
import { floatValues, initializersByName, type NameAllocator, readCounts } from "./graph-edit.js";
import { type ElementTypes, inferElementTypes } from "./value-types.js";
import { quantizeWeight, type WeightTensors, weightTensors } from "./weights.js";

export interface WeightedNode {
  node: NodeProto;
  weightValues: Float32Array;
  weightDims: number[];
  attributes: { transA: number; transB: number; alpha: number; beta: number };
}

export interface SkippedNode {
  node: string;
  opType: string;
  reason: string;
}

export interface QuantizationReport {
  mode: "dynamic" | "static";
  perChannel: boolean;
  weightType: string;
  quantizedNodes: number;
  quantized: Record<string, number>;
  /** MatMul, Gemm and Conv nodes left in float32, with the reason (the first 20). */
  skippedNodes: number;
  skipped: SkippedNode[];
  noop: boolean;
}

const REPORTED_SKIP_LIMIT = 20;

function numberAttribute(node: NodeProto, name: string, fallback: number): number {
  const value = findAttribute(node, name);
  if (value && "int" in value) return Number(value.int);
  if (value && "float" in value) return value.float;
  return fallback;
}

export class QuantizationPlanner {
  private readonly initializers: Map<string, TensorProto>;
  private readonly types: ElementTypes;
  private readonly added: TensorProto[] = [];
  private readonly quantized: Record<string, number> = {};
  private readonly skipped: SkippedNode[] = [];
  private skippedCount = 0;

  constructor(
    model: ModelProto,
    private readonly names: NameAllocator,
    private readonly options: { perTensor: boolean },
  ) {
    const graph = model.graph as GraphProto;
    this.initializers = initializersByName(graph);
    this.types = inferElementTypes(graph);
    for (const subgraph of [...walkGraphs(graph)].slice(1)) {
      for (const node of subgraph.node) {
        if (int8WeightInputs.has(node.opType)) this.skip(node, "inside a subgraph (If/Loop/Scan)");
      }
    }
  }

  private skip(node: NodeProto, reason: string): undefined {
    this.skippedCount++;
    if (this.skipped.length < REPORTED_SKIP_LIMIT) {
      this.skipped.push({ node: node.name || node.output[0], opType: node.opType, reason });
    }
    return undefined;
  }

  private constantFloat(name: string | undefined): TensorProto | undefined {
    const tensor = name ? this.initializers.get(name) : undefined;
    return tensor?.dataType === TensorProto_DataType.FLOAT ? tensor : undefined;
  }

  /**
   * The node as a quantization target, or undefined (recorded as skipped when it is a candidate).
   */
  plan(node: NodeProto, limits: { convUnsupported?: string } = {}): WeightedNode | undefined {
    if (!int8WeightInputs.has(node.opType) || (node.domain !== "" && node.domain !== "ai.onnx")) {
      return undefined;
    }
    const weight = this.constantFloat(node.input[1]);
    if (!weight) return this.skip(node, "its weight is not a float32 constant");
    const activationType = this.types.get(node.input[0]);
    if (activationType !== undefined && activationType !== TensorProto_DataType.FLOAT) {
      return this.skip(node, "its input is not float32");
    }
    const weightDims = weight.dims.map(Number);
    const attributes = {
      transA: numberAttribute(node, "transA", 0),
      transB: numberAttribute(node, "transB", 0),
      alpha: numberAttribute(node, "alpha", 1),
      beta: numberAttribute(node, "beta", 1),
    };
    const reason = this.unsupportedReason(node, weightDims, attributes, limits);
    if (reason) return this.skip(node, reason);

    this.quantized[node.opType] = (this.quantized[node.opType] ?? 0) + 1;
    return { node, weightValues: floatValues(weight) as Float32Array, weightDims, attributes };
  }

  private unsupportedReason(
    node: NodeProto,
    dims: number[],
    attributes: WeightedNode["attributes"],
    limits: { convUnsupported?: string },
  ): string | undefined {
    const bias = node.input[2];
    if (node.opType === "MatMul" && dims.length !== 2) return "its weight is not 2-D";
    if (node.opType === "Gemm") {
      if (attributes.transA !== 0) return "Gemm with transA is not supported";
      if (bias && !this.constantFloat(bias)) return "its bias is not a float32 constant";
    }
    if (node.opType === "Conv") {
      if (limits.convUnsupported) return limits.convUnsupported;
      if (bias && !this.constantFloat(bias)) return "its bias is not a float32 constant";
    }
    return undefined;
  }

  /** Quantizes a weight and queues its initializers; `axis` is the channel axis. */
  addWeight(
    weightName: string,
    values: Float32Array,
    dims: number[],
    axis: number,
    options: { scaleFactor?: number; scaleShape?: number[]; perChannelZeroPoint?: boolean } = {},
  ): { values: string; scales: string; zeroPoint: string; scaleValues: Float32Array } {
    const weight = quantizeWeight(values, dims, this.options.perTensor ? undefined : axis);
    const factor = options.scaleFactor ?? 1;
    const storedScales =
      factor === 1 ? weight.scales : weight.scales.map((scale) => scale * factor);
    const tensors = weightTensors(
      weightName,
      dims,
      { ...weight, scales: storedScales },
      {
        scaleShape: this.options.perTensor ? [] : options.scaleShape,
        perChannelZeroPoint: options.perChannelZeroPoint,
      },
    );
    return { ...this.queue(tensors), scaleValues: storedScales };
  }

  /** The float32 values of a constant input, if it is one. */
  constantValues(name: string | undefined): { values: Float32Array; dims: number[] } | undefined {
    const tensor = this.constantFloat(name);
    if (!tensor) return undefined;
    return { values: floatValues(tensor) as Float32Array, dims: tensor.dims.map(Number) };
  }

  /** Queues an initializer built by the caller, under a fresh name; returns the name. */
  addTensor(tensor: TensorProto): string {
    const renamed = { ...tensor, name: this.names.fresh(tensor.name) };
    this.added.push(renamed);
    return renamed.name;
  }

  private queue(tensors: WeightTensors): { values: string; scales: string; zeroPoint: string } {
    const rename = (tensor: TensorProto) => {
      const renamed = { ...tensor, name: this.names.fresh(tensor.name) };
      this.added.push(renamed);
      return renamed.name;
    };
    return {
      values: rename(tensors.values),
      scales: rename(tensors.scales),
      zeroPoint: rename(tensors.zeroPoint),
    };
  }

  /** Queues a new float32 initializer and returns its (fresh) name. */
  addFloat(baseName: string, dims: number[], values: Float32Array): string {
    const name = this.names.fresh(baseName);
    this.added.push(floatTensor(name, dims, values));
    return name;
  }

  /** Gemm's C scaled by beta, ready to Add; undefined when the node has no C. */
  gemmBias(node: NodeProto, beta: number): string | undefined {
    const bias = node.input[2];
    if (!bias) return undefined;
    if (beta === 1) return bias;
    const tensor = this.constantFloat(bias) as TensorProto;
    const values = (floatValues(tensor) as Float32Array).map((value) => value * beta);
    return this.addFloat(`${bias}_scaled`, tensor.dims.map(Number), values);
  }

  /** Conv's bias reshaped to [M, 1, 1...] so it broadcasts over the output. */
  convBias(node: NodeProto, spatialRank: number): string | undefined {
    const bias = node.input[2];
    if (!bias) return undefined;
    const tensor = this.constantFloat(bias) as TensorProto;
    const values = floatValues(tensor) as Float32Array;
    const dims = [values.length, ...Array.from({ length: spatialRank }, () => 1)];
    return this.addFloat(`${bias}_broadcast`, dims, values);
  }

  /** Adds the queued initializers and drops float weights that nothing reads any more. */
  commitWeights(graph: GraphProto): void {
    graph.initializer.push(...this.added);
    const reads = readCounts(graph);
    // An initializer listed as a graph input is an overridable default: keep it.
    const inputs = new Set(graph.input.map((input) => input.name));
    graph.initializer = graph.initializer.filter(
      (tensor) => (reads.get(tensor.name) ?? 0) > 0 || inputs.has(tensor.name),
    );
  }

  report(mode: "dynamic" | "static"): QuantizationReport {
    const quantizedNodes = Object.values(this.quantized).reduce((sum, count) => sum + count, 0);
    return {
      mode,
      perChannel: !this.options.perTensor,
      weightType: "uint8, symmetric, zero point 128",
      quantizedNodes,
      quantized: { ...this.quantized },
      skippedNodes: this.skippedCount,
      skipped: [...this.skipped],
      noop: false,
    };
  }

  /** The error for a model none of whose nodes could be quantized, naming the first reason. */
  nothingQuantizable(): Error {
    const first = this.skipped[0];
    if (!first) return nothingToQuantize("MatMul, Gemm or Conv with a float32 weight");
    return nothingToQuantize(
      `MatMul, Gemm or Conv it can quantize: ${first.opType} '${first.node}': ${first.reason}`,
    );
  }
}
