/**
 * The one doorway to the ONNX protobuf schema. Every other module imports ONNX types from here, so
 * swapping the protobuf library (or its version) touches a single file.
 */
import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type ModelProto, ModelProtoSchema } from "onnx-buf";

export type { MessageInitShape } from "@bufbuild/protobuf";
export type {
  AttributeProto,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetIdProto,
  SparseTensorProto,
  StringStringEntryProto,
  TensorProto,
  TensorShapeProto,
  TensorShapeProto_Dimension,
  TypeProto,
  TypeProto_Tensor,
  ValueInfoProto,
} from "onnx-buf";
export {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
} from "onnx-buf";
export { clone, create };

/**
 * Parses the bytes of an `.onnx` file. Throws the protobuf library's error on malformed input;
 * `loadModelBuffer` turns that into a user-facing error.
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  // Unknown fields are kept (the default) so that a model written by a newer ONNX version
  // survives decode→encode without losing anything.
  return fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
}

/**
 * Serialises a model. For a model that was decoded and not changed the result is byte-identical
 * to the input (fields are written in field-number order, as the reference C++ writer does).
 */
export function encodeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model, { writeUnknownFields: true });
}
