/**
 * float32 → float16: weights, constants and computation become float16; operators on the block
 * list stay float32 with Casts around them; graph inputs and outputs stay float32 behind Casts
 * unless `keepIoTypes` is false. The reference point is onnxconverter-common's float16
 * converter; this is an independent implementation over mlbuild's proto doorway.
 */
import { UsageError } from "../../errors.js";
import { findAttribute, makeAttribute, makeNode } from "../builder.js";
import { walkGraphs, walkNodes } from "../graph.js";
import {
  clone,
  type GraphProto,
  type ModelProto,
  ModelProtoSchema,
  type NodeProto,
  TensorProto_DataType,
  type ValueInfoProto,
} from "../proto.js";
import { float16BlockedDomains, float16BlockList } from "./block-lists.js";
import { Float16Conversion, type Float16Statistics } from "./float16-tensors.js";
import { constantsToInitializers, NameAllocator, renameReads } from "./graph-edit.js";
import { declaredElementType, type ElementTypes, inferElementTypes } from "./value-types.js";

const FLOAT = TensorProto_DataType.FLOAT;
const FLOAT16 = TensorProto_DataType.FLOAT16;

export interface Float16Options {
  /** Keep float32 graph inputs and outputs, with Casts at the boundary. @default true */
  keepIoTypes?: boolean;
  /** Return the model unchanged when it has no float32 weights, instead of failing. */
  allowNoop?: boolean;
}

export interface Float16Report extends Float16Statistics {
  keepIoTypes: boolean;
  /** Nodes left in float32 by the block list, per operator type. */
  blockedNodes: Record<string, number>;
  castsInserted: number;
  noop: boolean;
}

class Float16Pass {
  readonly names: NameAllocator;
  readonly tensors = new Float16Conversion();
  readonly blockedNodes: Record<string, number> = {};
  castsInserted = 0;

  constructor(
    model: ModelProto,
    readonly keepIoTypes: boolean,
  ) {
    this.names = new NameAllocator(model);
  }

  cast(from: string, to: string, elemType: number): NodeProto {
    this.castsInserted++;
    const name = this.names.fresh(`Cast_${elemType === FLOAT16 ? "to_fp16" : "to_fp32"}`);
    return makeNode("Cast", [from], [to], { to: { int: elemType } }, { name });
  }

  convertGraph(graph: GraphProto, outer: ElementTypes, isTopLevel: boolean): void {
    constantsToInitializers(graph);
    // Types as in the source model: "float" below means "float32 before this pass".
    const types = inferElementTypes(graph, outer);
    const isFloat = (name: string) => name !== "" && types.get(name) === FLOAT;
    const boundary = isTopLevel && this.keepIoTypes;

    const prologue = boundary ? this.castInputs(graph, types) : [];
    if (!boundary) retype(graph.input);
    // Weights only blocked nodes read stay float32: converting them would lose what the block
    // list keeps (a clamped variance, for one) and cost a Cast back.
    const float32Weights = weightsOnlyBlockedNodesRead(graph);
    graph.initializer = graph.initializer.map((tensor) =>
      float32Weights.has(tensor.name) ? tensor : this.tensors.convert(tensor),
    );
    const needsCast = (name: string) => isFloat(name) && !float32Weights.has(name);

    const nodes: NodeProto[] = [...prologue];
    for (const node of graph.node) {
      if (isBlocked(node)) {
        nodes.push(...this.wrapBlocked(node, needsCast, isFloat));
        continue;
      }
      this.convertAttributes(node);
      for (const attribute of node.attribute) {
        if (attribute.g) this.convertGraph(attribute.g, types, false);
        for (const subgraph of attribute.graphs) this.convertGraph(subgraph, types, false);
      }
      nodes.push(node);
    }
    graph.node = nodes;

    retype(graph.valueInfo);
    if (boundary) graph.node.push(...this.castOutputs(graph));
    else retype(graph.output);
  }

  /** float32 inputs stay float32; a Cast right after each feeds the float16 graph. */
  private castInputs(graph: GraphProto, types: ElementTypes): NodeProto[] {
    const casts: NodeProto[] = [];
    for (const input of graph.input) {
      if (declaredElementType(input.type) !== FLOAT) continue;
      const converted = this.names.fresh(`${input.name}_fp16`);
      renameReads(graph, input.name, converted);
      types.set(converted, FLOAT);
      casts.push(this.cast(input.name, converted, FLOAT16));
    }
    return casts;
  }

  /** float32 outputs: the graph computes a float16 value, and a Cast restores the output. */
  private castOutputs(graph: GraphProto): NodeProto[] {
    const casts: NodeProto[] = [];
    const inputNames = new Set(graph.input.map((input) => input.name));
    for (const output of graph.output) {
      if (declaredElementType(output.type) !== FLOAT || inputNames.has(output.name)) continue;
      const computed = this.names.fresh(`${output.name}_fp16`);
      for (const node of graph.node) {
        node.output = node.output.map((name) => (name === output.name ? computed : name));
      }
      renameReads(graph, output.name, computed);
      for (const info of graph.valueInfo) if (info.name === output.name) info.name = computed;
      casts.push(this.cast(computed, output.name, FLOAT));
    }
    return casts;
  }

  /** A blocked node computes in float32: Casts to float32 before it and back after it. */
  private wrapBlocked(
    node: NodeProto,
    needsCast: (name: string) => boolean,
    isFloat: (name: string) => boolean,
  ): NodeProto[] {
    const key = node.domain ? `${node.domain}:${node.opType}` : node.opType;
    this.blockedNodes[key] = (this.blockedNodes[key] ?? 0) + 1;
    const before: NodeProto[] = [];
    const after: NodeProto[] = [];
    node.input = node.input.map((name) => {
      if (!needsCast(name)) return name;
      const widened = this.names.fresh(`${name}_fp32`);
      before.push(this.cast(name, widened, FLOAT));
      return widened;
    });
    node.output = node.output.map((name) => {
      if (!isFloat(name)) return name;
      const computed = this.names.fresh(`${name}_fp32`);
      after.push(this.cast(computed, name, FLOAT16));
      return computed;
    });
    return [...before, node, ...after];
  }

  /** Attributes that name float32: Constant values, ConstantOfShape fills, Cast targets. */
  private convertAttributes(node: NodeProto): void {
    if (node.domain !== "" && node.domain !== "ai.onnx") return;
    node.attribute = node.attribute.map((attribute) => {
      if (attribute.t && (node.opType === "Constant" || node.opType === "ConstantOfShape")) {
        return { ...attribute, t: this.tensors.convert(attribute.t) };
      }
      const isTypeAttribute =
        (node.opType === "Cast" && attribute.name === "to") ||
        (node.opType === "EyeLike" && attribute.name === "dtype");
      if (isTypeAttribute && Number(attribute.i) === FLOAT)
        return { ...attribute, i: BigInt(FLOAT16) };
      if (node.opType === "Constant" && attribute.name === "value_float") {
        return makeAttribute("value", { tensor: this.tensors.fromNumbers([], [attribute.f]) });
      }
      if (node.opType === "Constant" && attribute.name === "value_floats") {
        const values = attribute.floats;
        return makeAttribute("value", {
          tensor: this.tensors.fromNumbers([values.length], values),
        });
      }
      return attribute;
    });
  }
}

function isBlocked(node: NodeProto): boolean {
  if (node.domain !== "" && node.domain !== "ai.onnx")
    return float16BlockedDomains.has(node.domain);
  return float16BlockList.has(node.opType);
}

/** Initializers of this graph that no node outside the block list reads. */
function weightsOnlyBlockedNodesRead(graph: GraphProto): Set<string> {
  const readByOthers = new Set<string>();
  const readByBlocked = new Set<string>();
  for (const node of graph.node) {
    const reads = isBlocked(node) ? readByBlocked : readByOthers;
    for (const name of node.input) reads.add(name);
    for (const attribute of node.attribute) {
      const subgraphs = attribute.g ? [attribute.g, ...attribute.graphs] : attribute.graphs;
      for (const subgraph of subgraphs) {
        for (const inner of walkNodes(subgraph))
          for (const name of inner.input) readByOthers.add(name);
      }
    }
  }
  for (const output of graph.output) readByOthers.add(output.name);
  const initializerNames = graph.initializer.map((tensor) => tensor.name);
  return new Set(
    initializerNames.filter((name) => readByBlocked.has(name) && !readByOthers.has(name)),
  );
}

function retype(infos: ValueInfoProto[]): void {
  for (const info of infos) {
    if (info.type?.value.case === "tensorType" && info.type.value.value.elemType === FLOAT) {
      info.type.value.value.elemType = FLOAT16;
    }
  }
}

/** True when any graph holds a float32 weight: an initializer or a Constant's tensor. */
function hasFloatWeights(model: ModelProto): boolean {
  if (!model.graph) return false;
  for (const graph of walkGraphs(model.graph)) {
    if (graph.initializer.some((tensor) => tensor.dataType === FLOAT)) return true;
    for (const node of graph.node) {
      const value = node.opType === "Constant" ? findAttribute(node, "value") : undefined;
      if (value && "tensor" in value && value.tensor.dataType === FLOAT) return true;
    }
  }
  return false;
}

export function nothingToQuantize(what: string): UsageError {
  return new UsageError("NOTHING_TO_QUANTIZE", `Nothing to quantize: the model has no ${what}`, {
    hint: "Build it without --quantize, or pass --allow-noop to record an unchanged build.",
  });
}

/** Converts a model to float16; the input model is not modified. */
export function convertToFloat16(
  source: ModelProto,
  options: Float16Options = {},
): { model: ModelProto; report: Float16Report } {
  const keepIoTypes = options.keepIoTypes ?? true;
  const model = clone(ModelProtoSchema, source);
  const pass = new Float16Pass(model, keepIoTypes);
  const report = (noop: boolean): Float16Report => ({
    keepIoTypes,
    ...pass.tensors.statistics(),
    blockedNodes: pass.blockedNodes,
    castsInserted: pass.castsInserted,
    noop,
  });

  if (!hasFloatWeights(model)) {
    if (!options.allowNoop) throw nothingToQuantize("float32 weights");
    return { model, report: report(true) };
  }
  if (model.graph) pass.convertGraph(model.graph, new Map(), true);
  return { model, report: report(false) };
}
