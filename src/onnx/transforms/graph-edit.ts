/**
 * Small edits every graph transform needs: fresh value names, renaming a value where it is read,
 * turning Constant nodes into initializers, and reading float weights.
 */
import { findAttribute } from "../builder.js";
import { walkGraphs } from "../graph.js";
import {
  create,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  OperatorSetIdProtoSchema,
  type TensorProto,
  TensorProto_DataType,
} from "../proto.js";
import { decodeTensorValues, inlineTensorBytes } from "../tensor-data.js";

/** Hands out value and node names that the model does not use yet, deterministically. */
export class NameAllocator {
  private readonly used = new Set<string>();

  constructor(model: ModelProto) {
    if (!model.graph) return;
    for (const graph of walkGraphs(model.graph)) {
      for (const info of [...graph.input, ...graph.output, ...graph.valueInfo])
        this.used.add(info.name);
      for (const tensor of graph.initializer) this.used.add(tensor.name);
      for (const node of graph.node) {
        this.used.add(node.name);
        for (const name of [...node.input, ...node.output]) this.used.add(name);
      }
    }
  }

  /** `base`, or `base_2`, `base_3`... when taken. */
  fresh(base: string): string {
    let candidate = base;
    for (let suffix = 2; this.used.has(candidate); suffix++) candidate = `${base}_${suffix}`;
    this.used.add(candidate);
    return candidate;
  }
}

/** The version of an operator domain the model imports ("" is the default ONNX domain). */
export function opsetVersion(model: ModelProto, domain = ""): number | undefined {
  const entry = model.opsetImport.find(
    (opset) => opset.domain === domain || (domain === "" && opset.domain === "ai.onnx"),
  );
  return entry ? Number(entry.version) : undefined;
}

/** Adds an opset import for a domain unless the model already has one. */
export function importOpset(model: ModelProto, domain: string, version: number): void {
  if (opsetVersion(model, domain) !== undefined) return;
  model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) }));
}

/**
 * Replaces reads of `from` by `to` in the graph's nodes and in every subgraph nested in them
 * (subgraphs may read values of the enclosing graph by name).
 */
export function renameReads(graph: GraphProto, from: string, to: string): void {
  for (const current of walkGraphs(graph)) {
    for (const node of current.node) {
      node.input = node.input.map((name) => (name === from ? to : name));
    }
  }
}

/**
 * Turns each `Constant` node holding a tensor into an initializer of the same name. Exporters
 * such as paddle2onnx keep every weight in a Constant node; transforms then find weights in one
 * place.
 */
export function constantsToInitializers(graph: GraphProto): void {
  const kept: NodeProto[] = [];
  for (const node of graph.node) {
    const value = node.opType === "Constant" && node.domain === "" && findAttribute(node, "value");
    if (value && "tensor" in value && node.output.length === 1) {
      graph.initializer.push({ ...value.tensor, name: node.output[0] });
      continue;
    }
    kept.push(node);
  }
  graph.node = kept;
}

/** Initializers by name. */
export function initializersByName(graph: GraphProto): Map<string, TensorProto> {
  return new Map(graph.initializer.map((tensor) => [tensor.name, tensor]));
}

/** A float32 tensor's values; undefined for any other element type. */
export function floatValues(tensor: TensorProto): Float32Array | undefined {
  if (tensor.dataType !== TensorProto_DataType.FLOAT) return undefined;
  return decodeTensorValues(inlineTensorBytes(tensor), tensor.dataType) as Float32Array;
}

/** How many nodes read each value, subgraphs included. */
export function readCounts(graph: GraphProto): Map<string, number> {
  const counts = new Map<string, number>();
  for (const current of walkGraphs(graph)) {
    for (const node of current.node) {
      for (const name of node.input) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  for (const output of graph.output) counts.set(output.name, (counts.get(output.name) ?? 0) + 1);
  return counts;
}
