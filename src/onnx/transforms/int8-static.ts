/**
 * Static int8 quantization in QDQ form: around each MatMul, Gemm and Conv with a float32
 * weight, activations pass through QuantizeLinear → DequantizeLinear with ranges measured by
 * calibration, and the weight is stored quantized per channel behind a DequantizeLinear. ONNX
 * Runtime fuses these groups into integer kernels; other runtimes still run the float graph.
 * The reference point is ONNX Runtime's `quantize_static` with QDQ format.
 */
import { type AttributeValue, floatTensor, makeNode, uint8Tensor } from "../builder.js";
import { clone, type ModelProto, ModelProtoSchema, type NodeProto } from "../proto.js";
import { type ActivationRange, uint8Parameters } from "./calibration.js";
import { constantsToInitializers, importOpset, NameAllocator, opsetVersion } from "./graph-edit.js";
import { QuantizationPlanner, type QuantizationReport, type WeightedNode } from "./planner.js";

export interface Int8StaticOptions {
  perTensor?: boolean;
  allowNoop?: boolean;
}

/** DequantizeLinear's `axis` (per-channel weights) came with opset 13. */
const PER_CHANNEL_OPSET = 13;

/** A copy of the model with Constant weights as initializers, as the planner expects. */
function normalized(source: ModelProto): ModelProto {
  const model = clone(ModelProtoSchema, source);
  if (model.graph) constantsToInitializers(model.graph);
  return model;
}

/** The values calibration must measure: inputs and outputs of every node to be quantized. */
export function staticQuantizationTargets(source: ModelProto): string[] {
  const model = normalized(source);
  const planner = new QuantizationPlanner(model, new NameAllocator(model), { perTensor: false });
  const names = new Set<string>();
  for (const node of model.graph?.node ?? []) {
    if (planner.plan(node)) {
      names.add(node.input[0]);
      names.add(node.output[0]);
    }
  }
  return [...names];
}

class QdqRewriter {
  private readonly dequantized = new Map<string, string>();

  constructor(
    private readonly planner: QuantizationPlanner,
    private readonly names: NameAllocator,
    private readonly ranges: ReadonlyMap<string, ActivationRange>,
    private readonly domain: string,
    private readonly added: { push(...tensors: ReturnType<typeof floatTensor>[]): number },
    private readonly perChannel: boolean,
  ) {}

  private qdq(input: string, output: string, nodes: NodeProto[]): void {
    const range = this.ranges.get(input);
    if (!range) throw new Error(`No calibration range for '${input}'`);
    const { scale, zeroPoint } = uint8Parameters(range);
    const scaleName = this.names.fresh(`${input}_scale`);
    const zeroName = this.names.fresh(`${input}_zero_point`);
    this.added.push(floatTensor(scaleName, [], [scale]), uint8Tensor(zeroName, [], [zeroPoint]));
    const quantized = this.names.fresh(`${input}_quantized`);
    const options = (op: string) => ({
      name: this.names.fresh(`${input}_${op}`),
      domain: this.domain,
    });
    nodes.push(
      makeNode(
        "QuantizeLinear",
        [input, scaleName, zeroName],
        [quantized],
        {},
        options("QuantizeLinear"),
      ),
      makeNode(
        "DequantizeLinear",
        [quantized, scaleName, zeroName],
        [output],
        {},
        options("DequantizeLinear"),
      ),
    );
  }

  /** The activation after Q→DQ, inserted once per value. */
  private activation(name: string, nodes: NodeProto[]): string {
    const known = this.dequantized.get(name);
    if (known) return known;
    const output = this.names.fresh(`${name}_dequantized`);
    this.qdq(name, output, nodes);
    this.dequantized.set(name, output);
    return output;
  }

  rewrite(target: WeightedNode): NodeProto[] {
    const { node, weightValues, weightDims, attributes } = target;
    const nodes: NodeProto[] = [];
    const axis =
      node.opType === "Conv" || (node.opType === "Gemm" && attributes.transB === 1) ? 0 : 1;
    const weight = this.planner.addWeight(node.input[1], weightValues, weightDims, axis, {
      perChannelZeroPoint: true,
    });
    const weightOutput = this.names.fresh(`${node.input[1]}_dequantized`);
    const axisAttribute: Record<string, AttributeValue> = this.perChannel
      ? { axis: { int: axis } }
      : {};
    nodes.push(
      makeNode(
        "DequantizeLinear",
        [weight.values, weight.scales, weight.zeroPoint],
        [weightOutput],
        axisAttribute,
        {
          name: this.names.fresh(`${node.input[1]}_DequantizeLinear`),
          domain: this.domain,
        },
      ),
    );

    const activation = this.activation(node.input[0], nodes);
    const output = node.output[0];
    const computed = this.names.fresh(`${output}_float`);
    const inputs = [activation, weightOutput, ...node.input.slice(2)];
    nodes.push({ ...node, input: inputs, output: [computed, ...node.output.slice(1)] });
    this.qdqOutput(output, computed, nodes);
    return nodes;
  }

  /** The node's output goes through Q→DQ under its original name, so consumers are unchanged. */
  private qdqOutput(output: string, computed: string, nodes: NodeProto[]): void {
    const range = this.ranges.get(output);
    if (!range) throw new Error(`No calibration range for '${output}'`);
    const ranges = this.ranges as Map<string, ActivationRange>;
    ranges.set(computed, range);
    this.qdq(computed, output, nodes);
    this.dequantized.set(output, output);
  }
}

/** Quantizes a model to QDQ form with the given activation ranges; the input is not modified. */
export function quantizeStatic(
  source: ModelProto,
  ranges: ReadonlyMap<string, ActivationRange>,
  options: Int8StaticOptions = {},
): { model: ModelProto; report: QuantizationReport & { qdqDomain: string } } {
  const model = normalized(source);
  const graph = model.graph;
  if (!graph) throw new Error("model has no graph");
  const opset = opsetVersion(model) ?? 1;
  // Before opset 13 the standard Q/DQ have no axis; ONNX Runtime's com.microsoft ones do.
  const domain = opset >= PER_CHANNEL_OPSET ? "" : "com.microsoft";
  const names = new NameAllocator(model);
  const planner = new QuantizationPlanner(model, names, { perTensor: options.perTensor ?? false });
  const added: ReturnType<typeof floatTensor>[] = [];
  const rewriter = new QdqRewriter(
    planner,
    names,
    new Map(ranges),
    domain,
    added,
    !options.perTensor,
  );

  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    const target = planner.plan(node);
    nodes.push(...(target ? rewriter.rewrite(target) : [node]));
  }
  const report = { ...planner.report("static"), qdqDomain: domain || "ai.onnx" };
  if (report.quantizedNodes === 0) {
    if (!options.allowNoop) throw planner.nothingQuantizable();
    return { model: source, report: { ...report, noop: true } };
  }
  graph.node = nodes;
  graph.initializer.push(...added);
  planner.commitWeights(graph);
  if (domain) importOpset(model, domain, 1);
  return { model, report };
}
