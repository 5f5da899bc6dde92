/**
 * What `inspect` shows about a model: its interface, operator sets, operator histogram and size.
 * Computed from the proto alone, without a runtime.
 */
import { dtypeName } from "./dtypes.js";
import { walkInitializers, walkNodes } from "./graph.js";
import type { LoadedModel } from "./model.js";
import type { TypeProto, ValueInfoProto } from "./proto.js";
import { tensorDataByteLength, tensorElementCount } from "./tensor-data.js";

/** An input or output of the model. */
export interface TensorSignature {
  name: string;
  /** "float32", "int64", ...; non-tensor values read like "sequence<float32>". */
  dtype: string;
  /**
   * Fixed sizes as numbers, symbolic ones by name, "?" when unknown; null when the rank is unknown.
   */
  shape: (number | string)[] | null;
}

export interface ModelSummary {
  irVersion: number;
  /** Operator set version per domain; the default domain is shown as "ai.onnx". */
  opsetImports: Record<string, number>;
  producerName: string;
  producerVersion: string;
  graphName: string;
  /** Inputs the caller must feed (graph inputs that are not also initializers). */
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** Nodes per operator type, subgraphs included, most frequent first. */
  opHistogram: Record<string, number>;
  /** Nodes in the graph and all its subgraphs. */
  nodeCount: number;
  initializerCount: number;
  /** Elements in all initializers, subgraphs included. */
  parameterCount: number;
  /** Bytes of initializer data, wherever stored. */
  weightBytes: number;
  /** Size of the `.onnx` file alone. */
  modelFileBytes: number;
  externalDataBytes: number;
  /** The `.onnx` file plus its external data files: what has to ship. */
  fileSize: number;
  externalDataFiles: { location: string; size: number }[];
}

const DEFAULT_DOMAIN_NAME = "ai.onnx";

export function summarizeModel(model: LoadedModel): ModelSummary {
  const { proto } = model;
  const graph = proto.graph;
  if (!graph)
    throw new Error(`Model "${model.label}" has no graph; loadModel* should have refused it`);

  const initializerNames = new Set(graph.initializer.map((tensor) => tensor.name));
  const initializers = [...walkInitializers(graph)];
  const nodes = [...walkNodes(graph)];
  const externalDataBytes = model.externalDataFiles.reduce((sum, file) => sum + file.size, 0);

  return {
    irVersion: Number(proto.irVersion),
    opsetImports: Object.fromEntries(
      proto.opsetImport.map((opset) => [
        opset.domain || DEFAULT_DOMAIN_NAME,
        Number(opset.version),
      ]),
    ),
    producerName: proto.producerName,
    producerVersion: proto.producerVersion,
    graphName: graph.name,
    inputs: graph.input.filter((input) => !initializerNames.has(input.name)).map(describeValue),
    outputs: graph.output.map(describeValue),
    opHistogram: histogram(nodes.map((node) => qualifiedOpType(node.domain, node.opType))),
    nodeCount: nodes.length,
    initializerCount: initializers.length,
    parameterCount: initializers.reduce((sum, tensor) => sum + tensorElementCount(tensor), 0),
    weightBytes: initializers.reduce((sum, tensor) => sum + tensorDataByteLength(tensor), 0),
    modelFileBytes: model.byteSize,
    externalDataBytes,
    fileSize: model.byteSize + externalDataBytes,
    externalDataFiles: model.externalDataFiles.map(({ location, size }) => ({ location, size })),
  };
}

/** Operators outside the default domain keep their domain, e.g. "com.microsoft.FusedConv". */
function qualifiedOpType(domain: string, opType: string): string {
  return domain === "" || domain === DEFAULT_DOMAIN_NAME ? opType : `${domain}.${opType}`;
}

function histogram(keys: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const sorted = [...counts].sort(
    ([nameA, countA], [nameB, countB]) => countB - countA || compareText(nameA, nameB),
  );
  return Object.fromEntries(sorted);
}

/** Code-unit order, so the histogram reads the same whatever the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function describeValue(value: ValueInfoProto): TensorSignature {
  const type = value.type?.value;
  if (type?.case === "tensorType" || type?.case === "sparseTensorType") {
    const shape = type.value.shape;
    return {
      name: value.name,
      dtype: dtypeName(type.value.elemType),
      shape: shape ? shape.dim.map((dimension) => dimensionLabel(dimension.value)) : null,
    };
  }
  return { name: value.name, dtype: describeType(value.type), shape: null };
}

function dimensionLabel(
  value:
    | { case: "dimValue"; value: bigint }
    | { case: "dimParam"; value: string }
    | { case: undefined },
): number | string {
  if (value.case === "dimValue") return Number(value.value);
  if (value.case === "dimParam" && value.value !== "") return value.value;
  return "?";
}

/** A readable name for any ONNX type, nested ones included. */
export function describeType(type: TypeProto | undefined): string {
  const value = type?.value;
  switch (value?.case) {
    case "tensorType":
      return dtypeName(value.value.elemType);
    case "sparseTensorType":
      return `sparse<${dtypeName(value.value.elemType)}>`;
    case "sequenceType":
      return `sequence<${describeType(value.value.elemType)}>`;
    case "optionalType":
      return `optional<${describeType(value.value.elemType)}>`;
    case "mapType":
      return `map<${dtypeName(value.value.keyType)},${describeType(value.value.valueType)}>`;
    default:
      return "unknown";
  }
}
