/**
 * Element types of every value in a graph, inferred from the proto alone. The fp16 transform
 * needs them to know which values are float32 (and so become float16), and calibration and the
 * divergence report need them to expose float intermediate values as outputs.
 *
 * This is not ONNX shape inference: it only follows element types, with one rule per family of
 * operators, and leaves a value out when it cannot tell.
 */
import { findAttribute } from "../builder.js";
import type { GraphProto, NodeProto, TypeProto, ValueInfoProto } from "../proto.js";
import { TensorProto_DataType } from "../proto.js";

export type ElementTypes = Map<string, number>;

const type = TensorProto_DataType;

/** Operators whose outputs are bool whatever their inputs. */
const booleanOutputs = new Set([
  "Equal",
  "Greater",
  "GreaterOrEqual",
  "Less",
  "LessOrEqual",
  "Not",
  "And",
  "Or",
  "Xor",
  "IsNaN",
  "IsInf",
]);

/** Operators whose outputs are int64 indices or sizes whatever their inputs. */
const int64Outputs = new Set(["Shape", "Size", "NonZero", "ArgMax", "ArgMin", "NonMaxSuppression"]);

/** The element type a value's declared type names, if it is a tensor type. */
export function declaredElementType(typeProto: TypeProto | undefined): number | undefined {
  if (typeProto?.value.case !== "tensorType") return undefined;
  const elemType = typeProto.value.value.elemType;
  return elemType === 0 ? undefined : elemType;
}

function declare(types: ElementTypes, infos: readonly ValueInfoProto[]): void {
  for (const info of infos) {
    const elemType = declaredElementType(info.type);
    if (elemType !== undefined) types.set(info.name, elemType);
  }
}

function attributeTensorType(node: NodeProto, name: string): number | undefined {
  const value = findAttribute(node, name);
  return value && "tensor" in value ? value.tensor.dataType : undefined;
}

function intAttribute(node: NodeProto, name: string): number | undefined {
  const value = findAttribute(node, name);
  return value && "int" in value ? Number(value.int) : undefined;
}

function subgraphOutputTypes(node: NodeProto, attributeName: string, skip: number): number[] {
  const value = findAttribute(node, attributeName);
  if (!value || !("graph" in value)) return [];
  return value.graph.output.slice(skip).map((info) => declaredElementType(info.type) ?? 0);
}

function constantType(node: NodeProto): number | undefined {
  const tensorType = attributeTensorType(node, "value");
  if (tensorType !== undefined) return tensorType;
  if (findAttribute(node, "value_float") || findAttribute(node, "value_floats")) return type.FLOAT;
  if (findAttribute(node, "value_int") || findAttribute(node, "value_ints")) return type.INT64;
  return undefined;
}

/** Output element types of one node (0 where unknown), given what is known of its inputs. */
function outputTypes(node: NodeProto, types: ElementTypes): number[] {
  const inputType = (index: number) => types.get(node.input[index] ?? "") ?? 0;
  const firstKnown = node.input.map((name) => types.get(name) ?? 0).find((found) => found !== 0);
  const all = (elemType: number | undefined) => node.output.map(() => elemType ?? 0);
  if (node.domain !== "" && node.domain !== "ai.onnx") {
    // Contrib operators: only the ones mlbuild itself writes are known.
    if (node.opType === "DynamicQuantizeMatMul" || node.opType === "MatMulIntegerToFloat")
      return all(type.FLOAT);
    if (node.opType === "QuantizeLinear") return all(inputType(2) || type.UINT8);
    if (node.opType === "DequantizeLinear") return all(inputType(1));
    return all(undefined);
  }
  if (booleanOutputs.has(node.opType)) return all(type.BOOL);
  if (int64Outputs.has(node.opType)) return all(type.INT64);
  switch (node.opType) {
    case "Cast":
      return all(intAttribute(node, "to"));
    case "CastLike":
      return all(inputType(1));
    case "Constant":
      return all(constantType(node));
    case "ConstantOfShape":
      return all(attributeTensorType(node, "value") ?? type.FLOAT);
    case "RandomNormal":
    case "RandomUniform":
      return all(intAttribute(node, "dtype") ?? type.FLOAT);
    case "RandomNormalLike":
    case "RandomUniformLike":
    case "EyeLike":
      return all(intAttribute(node, "dtype") ?? inputType(0));
    case "QuantizeLinear":
      return all(inputType(2) || type.UINT8);
    case "DequantizeLinear":
      return all(inputType(1));
    case "DynamicQuantizeLinear":
      return [type.UINT8, type.FLOAT, type.UINT8];
    case "MatMulInteger":
    case "ConvInteger":
      return all(type.INT32);
    case "QLinearConv":
    case "QLinearMatMul":
      return all(inputType(7));
    case "TopK":
      return [inputType(0), type.INT64];
    case "Where":
      return all(inputType(1));
    case "OneHot":
      return all(inputType(2));
    case "If":
      return subgraphOutputTypes(node, "then_branch", 0);
    case "Loop":
      return subgraphOutputTypes(node, "body", 1);
    case "Scan":
      return subgraphOutputTypes(node, "body", 0);
    default:
      return all(firstKnown);
  }
}

/**
 * Element types of the graph's values: its inputs, initializers, declared value_info and every
 * node output it can follow. `outer` holds the enclosing graph's types, for subgraphs that read
 * values from outside.
 */
export function inferElementTypes(
  graph: GraphProto,
  outer: ElementTypes = new Map(),
): ElementTypes {
  const types: ElementTypes = new Map(outer);
  declare(types, graph.input);
  for (const tensor of graph.initializer) types.set(tensor.name, tensor.dataType);
  const declared: ElementTypes = new Map();
  declare(declared, [...graph.valueInfo, ...graph.output]);

  for (const node of graph.node) {
    const inferred = outputTypes(node, types);
    node.output.forEach((name, index) => {
      if (name === "") return;
      const elemType = declared.get(name) ?? inferred[index] ?? 0;
      if (elemType !== 0) types.set(name, elemType);
    });
  }
  return types;
}
