/**
 * Helpers to assemble ONNX graphs in code: tensors, nodes, value infos, graphs and models. The
 * fixture generator and the graph transforms (fp16, int8) both build protos through these, so
 * every model mlbuild writes follows the same conventions.
 */

import { toFloat16Bits } from "../runtime/float16.js";
import { type AttributeValue, makeAttribute } from "./attributes.js";
import { tensorByteLength } from "./dtypes.js";
import {
  create,
  type GraphProto,
  GraphProtoSchema,
  type ModelProto,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  type TensorProto,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  type TypeProto,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
} from "./proto.js";
import { toLittleEndianBytes } from "./tensor-data.js";

// Attributes live in their own module; re-exported so node building needs one import.
export {
  type AttributeValue,
  findAttribute,
  makeAttribute,
  readAttribute,
} from "./attributes.js";

/** A dimension: a fixed size, a symbolic name such as "batch", or null for "unknown". */
export type Dimension = number | string | null;

/** Number of elements in a tensor of the given dims (1 for a scalar). */
export function elementCount(dims: readonly (number | bigint)[]): number {
  return dims.reduce<number>((product, dim) => product * Number(dim), 1);
}

/** A tensor whose raw_data holds `values` (any typed array of the element type's width). */
export function makeTensor(
  name: string,
  dataType: TensorProto_DataType,
  dims: readonly number[],
  values: ArrayBufferView,
): TensorProto {
  const rawData = toLittleEndianBytes(values);
  const expected = tensorByteLength(dataType, elementCount(dims));
  if (expected !== undefined && expected !== rawData.byteLength) {
    throw new Error(
      `Tensor "${name}": dims [${dims.join(", ")}] need ${expected} bytes, ` +
        `got ${rawData.byteLength}`,
    );
  }
  return create(TensorProtoSchema, {
    name,
    dataType,
    dims: dims.map((dim) => BigInt(dim)),
    rawData,
  });
}

export function floatTensor(
  name: string,
  dims: readonly number[],
  values: Float32Array | readonly number[],
): TensorProto {
  return makeTensor(name, TensorProto_DataType.FLOAT, dims, Float32Array.from(values));
}

/** A float16 tensor from ordinary numbers, rounded to the nearest float16. */
export function float16Tensor(
  name: string,
  dims: readonly number[],
  values: Float32Array | readonly number[],
): TensorProto {
  return makeTensor(name, TensorProto_DataType.FLOAT16, dims, toFloat16Bits(values));
}

export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: BigInt64Array | readonly (number | bigint)[],
): TensorProto {
  const data = BigInt64Array.from(values, (value) => BigInt(value));
  return makeTensor(name, TensorProto_DataType.INT64, dims, data);
}

export function int32Tensor(
  name: string,
  dims: readonly number[],
  values: Int32Array | readonly number[],
): TensorProto {
  return makeTensor(name, TensorProto_DataType.INT32, dims, Int32Array.from(values));
}

export function uint8Tensor(
  name: string,
  dims: readonly number[],
  values: Uint8Array | readonly number[],
): TensorProto {
  return makeTensor(name, TensorProto_DataType.UINT8, dims, Uint8Array.from(values));
}

export function int8Tensor(
  name: string,
  dims: readonly number[],
  values: Int8Array | readonly number[],
): TensorProto {
  return makeTensor(name, TensorProto_DataType.INT8, dims, Int8Array.from(values));
}

export function boolTensor(
  name: string,
  dims: readonly number[],
  values: Uint8Array | readonly boolean[],
): TensorProto {
  const data = Uint8Array.from(Array.from<number | boolean>(values), (value) => (value ? 1 : 0));
  return makeTensor(name, TensorProto_DataType.BOOL, dims, data);
}

export interface NodeOptions {
  name?: string;
  /** Operator domain; "" is the default ONNX domain. */
  domain?: string;
}

export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>> = {},
  options: NodeOptions = {},
): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    input: [...inputs],
    output: [...outputs],
    name: options.name ?? "",
    domain: options.domain ?? "",
    attribute: Object.entries(attributes).map(([name, value]) => makeAttribute(name, value)),
  });
}

/** A tensor type; `shape` undefined means the rank itself is unknown. */
export function makeTensorType(
  elemType: TensorProto_DataType,
  shape?: readonly Dimension[],
): TypeProto {
  const tensorType = create(TypeProto_TensorSchema, { elemType });
  if (shape) {
    tensorType.shape = create(TensorShapeProtoSchema, {
      dim: shape.map((dimension) =>
        create(TensorShapeProto_DimensionSchema, { value: dimensionValue(dimension) }),
      ),
    });
  }
  return create(TypeProtoSchema, { value: { case: "tensorType", value: tensorType } });
}

function dimensionValue(dimension: Dimension) {
  if (dimension === null) return { case: undefined };
  if (typeof dimension === "string") return { case: "dimParam" as const, value: dimension };
  return { case: "dimValue" as const, value: BigInt(dimension) };
}

export function makeValueInfo(
  name: string,
  elemType: TensorProto_DataType,
  shape?: readonly Dimension[],
): ValueInfoProto {
  return create(ValueInfoProtoSchema, { name, type: makeTensorType(elemType, shape) });
}

export interface GraphParts {
  name?: string;
  nodes: readonly NodeProto[];
  inputs: readonly ValueInfoProto[];
  outputs: readonly ValueInfoProto[];
  initializers?: readonly TensorProto[];
  valueInfos?: readonly ValueInfoProto[];
  docString?: string;
}

/**
 * A graph. Nodes without a name are named `<OpType>_<index>`: profiles report time per node
 * name, and unnamed nodes would all look alike there.
 */
export function makeGraph(parts: GraphParts): GraphProto {
  const nodes = parts.nodes.map((node, index) => {
    if (node.name !== "") return node;
    return { ...node, name: `${node.opType}_${index}` };
  });
  return create(GraphProtoSchema, {
    name: parts.name ?? "graph",
    node: nodes,
    input: [...parts.inputs],
    output: [...parts.outputs],
    initializer: [...(parts.initializers ?? [])],
    valueInfo: [...(parts.valueInfos ?? [])],
    docString: parts.docString ?? "",
  });
}

export interface ModelOptions {
  /** ONNX IR version; 8 pairs with opset 17 and loads in every supported ONNX Runtime. */
  irVersion?: number;
  /** Operator set per domain, "" being the default ONNX domain. */
  opsets?: Readonly<Record<string, number>>;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

export const DEFAULT_OPSET = 17;
export const DEFAULT_IR_VERSION = 8;

export function makeModel(graph: GraphProto, options: ModelOptions = {}): ModelProto {
  const opsets = options.opsets ?? { "": DEFAULT_OPSET };
  return create(ModelProtoSchema, {
    irVersion: BigInt(options.irVersion ?? DEFAULT_IR_VERSION),
    opsetImport: Object.entries(opsets).map(([domain, version]) =>
      create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) }),
    ),
    producerName: options.producerName ?? "mlbuild",
    producerVersion: options.producerVersion ?? "",
    docString: options.docString ?? "",
    graph,
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) =>
      create(StringStringEntryProtoSchema, { key, value }),
    ),
  });
}
