/**
 * Walks a graph together with the subgraphs nested in its nodes' attributes (If branches, Loop
 * and Scan bodies). Anything that counts, converts or checks a whole model must see those too.
 */
import type { GraphProto, NodeProto, TensorProto } from "./proto.js";

/** The graph itself, then every nested subgraph, depth first. */
export function* walkGraphs(graph: GraphProto): Generator<GraphProto> {
  yield graph;
  for (const node of graph.node) {
    for (const attribute of node.attribute) {
      if (attribute.g) yield* walkGraphs(attribute.g);
      for (const subgraph of attribute.graphs) yield* walkGraphs(subgraph);
    }
  }
}

/** Every node of the graph and of its subgraphs. */
export function* walkNodes(graph: GraphProto): Generator<NodeProto> {
  for (const current of walkGraphs(graph)) yield* current.node;
}

/** Every initializer of the graph and of its subgraphs. */
export function* walkInitializers(graph: GraphProto): Generator<TensorProto> {
  for (const current of walkGraphs(graph)) yield* current.initializer;
}

/**
 * Every tensor stored in the model: initializers plus tensors held in node attributes (the
 * `value` of Constant nodes, for example), in the graph and its subgraphs. External data can
 * hang off any of these.
 */
export function* walkTensors(graph: GraphProto): Generator<TensorProto> {
  for (const current of walkGraphs(graph)) {
    yield* current.initializer;
    for (const node of current.node) {
      for (const attribute of node.attribute) {
        if (attribute.t) yield attribute.t;
        yield* attribute.tensors;
      }
    }
  }
}
