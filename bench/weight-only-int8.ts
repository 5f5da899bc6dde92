/**
 * The form mlbuild does not ship, built only to be measured: MatMul weights stored as uint8 and
 * turned back into float32 by a DequantizeLinear right before a float MatMul.
 */
import { makeNode } from "../src/onnx/builder.js";
import { decodeModel, encodeModel } from "../src/onnx/proto.js";
import {
  constantsToInitializers,
  floatValues,
  initializersByName,
  NameAllocator,
} from "../src/onnx/transforms/graph-edit.js";
import { quantizeWeight, weightTensors } from "../src/onnx/transforms/weights.js";

export function weightOnlyInt8(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  const graph = model.graph!;
  constantsToInitializers(graph);
  const names = new NameAllocator(model);
  const initializers = initializersByName(graph);
  const nodes = [];
  for (const node of graph.node) {
    const weight = node.opType === "MatMul" ? initializers.get(node.input[1]) : undefined;
    const values = weight && floatValues(weight);
    if (!weight || !values || weight.dims.length !== 2) {
      nodes.push(node);
      continue;
    }
    const dims = weight.dims.map(Number);
    const tensors = weightTensors(names.fresh(weight.name), dims, quantizeWeight(values, dims, 1), {
      perChannelZeroPoint: true,
    });
    graph.initializer.push(tensors.values, tensors.scales, tensors.zeroPoint);
    const dequantized = names.fresh(`${weight.name}_dequantized`);
    const inputs = [tensors.values.name, tensors.scales.name, tensors.zeroPoint.name];
    nodes.push(makeNode("DequantizeLinear", inputs, [dequantized], { axis: { int: 1 } }));
    nodes.push({ ...node, input: [node.input[0], dequantized] });
  }
  graph.node = nodes;
  const used = new Set(nodes.flatMap((node) => node.input));
  graph.initializer = graph.initializer.filter((tensor) => used.has(tensor.name));
  return encodeModel(model);
}
