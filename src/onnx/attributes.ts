/**
 * Node attributes with their ONNX type spelled out, for building nodes and for reading them in
 * graph transforms.
 */
import {
  type AttributeProto,
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  create,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "./proto.js";

/**
 * An attribute value with its ONNX type spelled out. JavaScript numbers cannot tell 1 from 1.0,
 * and ONNX Runtime rejects an INT where it expects a FLOAT, so the caller names the type.
 */
export type AttributeValue =
  | { int: number | bigint }
  | { float: number }
  | { string: string }
  | { ints: readonly (number | bigint)[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] }
  | { tensor: TensorProto }
  | { graph: GraphProto }
  | { graphs: readonly GraphProto[] };

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export function makeAttribute(name: string, value: AttributeValue): AttributeProto {
  const type = AttributeProto_AttributeType;
  if ("int" in value)
    return create(AttributeProtoSchema, { name, type: type.INT, i: BigInt(value.int) });
  if ("float" in value)
    return create(AttributeProtoSchema, { name, type: type.FLOAT, f: value.float });
  if ("string" in value) {
    return create(AttributeProtoSchema, {
      name,
      type: type.STRING,
      s: textEncoder.encode(value.string),
    });
  }
  if ("ints" in value) {
    return create(AttributeProtoSchema, { name, type: type.INTS, ints: value.ints.map(BigInt) });
  }
  if ("floats" in value) {
    return create(AttributeProtoSchema, { name, type: type.FLOATS, floats: [...value.floats] });
  }
  if ("strings" in value) {
    const strings = value.strings.map((text) => textEncoder.encode(text));
    return create(AttributeProtoSchema, { name, type: type.STRINGS, strings });
  }
  if ("tensor" in value)
    return create(AttributeProtoSchema, { name, type: type.TENSOR, t: value.tensor });
  if ("graph" in value)
    return create(AttributeProtoSchema, { name, type: type.GRAPH, g: value.graph });
  return create(AttributeProtoSchema, { name, type: type.GRAPHS, graphs: [...value.graphs] });
}

/** Reads an attribute back into the tagged form; undefined for types mlbuild does not use. */
export function readAttribute(attribute: AttributeProto): AttributeValue | undefined {
  const type = AttributeProto_AttributeType;
  switch (attribute.type) {
    case type.INT:
      return { int: attribute.i };
    case type.FLOAT:
      return { float: attribute.f };
    case type.STRING:
      return { string: textDecoder.decode(attribute.s) };
    case type.INTS:
      return { ints: attribute.ints };
    case type.FLOATS:
      return { floats: attribute.floats };
    case type.STRINGS:
      return { strings: attribute.strings.map((bytes) => textDecoder.decode(bytes)) };
    case type.TENSOR:
      return attribute.t ? { tensor: attribute.t } : undefined;
    case type.GRAPH:
      return attribute.g ? { graph: attribute.g } : undefined;
    case type.GRAPHS:
      return { graphs: attribute.graphs };
    default:
      return undefined;
  }
}

/** The named attribute of a node, or undefined when the node does not set it. */
export function findAttribute(node: NodeProto, name: string): AttributeValue | undefined {
  const attribute = node.attribute.find((candidate) => candidate.name === name);
  return attribute ? readAttribute(attribute) : undefined;
}
