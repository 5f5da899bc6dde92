/**
 * Exposes intermediate values as graph outputs, so one run of the model returns them. Outputs
 * are added without a declared type: ONNX Runtime infers it.
 */
import {
  clone,
  create,
  type ModelProto,
  ModelProtoSchema,
  ValueInfoProtoSchema,
} from "../proto.js";

/** A copy of the model whose top-level graph also outputs `names` (existing outputs kept). */
export function exposeValues(source: ModelProto, names: readonly string[]): ModelProto {
  const model = clone(ModelProtoSchema, source);
  const graph = model.graph;
  if (!graph) return model;
  const present = new Set(graph.output.map((output) => output.name));
  for (const name of names) {
    if (name === "" || present.has(name)) continue;
    graph.output.push(create(ValueInfoProtoSchema, { name }));
    present.add(name);
  }
  return model;
}
