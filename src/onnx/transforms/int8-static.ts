/**
 * Static int8 quantization in QDQ form: around each MatMul, Gemm and Conv with a float32
 * weight, activations pass through QuantizeLinear → DequantizeLinear with ranges measured by
 * calibration, and the weight is stored quantized per channel behind a DequantizeLinear. ONNX
 * Runtime fuses these groups into integer kernels; other runtimes still run the float graph.
 * The reference point is ONNX Runtime's `quantize_static` with QDQ format.
 */

import { UsageError } from "../../errors.js";
import {
  type AttributeValue,
  floatTensor,
  int32Tensor,
  makeNode,
  uint8Tensor,
} from "../builder.js";
import { clone, type ModelProto, ModelProtoSchema, type NodeProto } from "../proto.js";
import { type ActivationRange, uint8Parameters } from "./calibration.js";
import { constantsToInitializers, importOpset, NameAllocator, opsetVersion } from "./graph-edit.js";
import { QuantizationPlanner, type QuantizationReport, type WeightedNode } from "./planner.js";

export interface Int8StaticOptions {
  perTensor?: boolean;
  allowNoop?: boolean;
}

/**
 * ONNX Runtime fuses QDQ groups into ai.onnx QLinearConv/QLinearMatMul (opset 10) whatever the
 * model's opset, so an older model fails to load once quantized.
 */
const FUSED_KERNEL_OPSET = 10;

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
    const bias = this.quantizedBias(node, weight.scaleValues, nodes);
    const inputs = [activation, weightOutput, ...(bias ? [bias] : node.input.slice(2))];
    nodes.push({ ...node, input: inputs, output: [computed, ...node.output.slice(1)] });
    this.qdqOutput(output, computed, nodes);
    return nodes;
  }

  /**
   * A 1-D bias as int32 with scale activation_scale × weight_scale, behind a DequantizeLinear.
   * This is the form ONNX Runtime fuses into QLinearConv; given a float bias, recent runtimes
   * quantize it themselves with an operator (Round) that models before opset 11 cannot hold.
   */
  private quantizedBias(
    node: NodeProto,
    weightScales: Float32Array,
    nodes: NodeProto[],
  ): string | undefined {
    const bias = this.planner.constantValues(node.input[2]);
    if (bias?.dims.length !== 1) return undefined;
    const activationScale = uint8Parameters(this.rangeOf(node.input[0])).scale;
    const scales = Float32Array.from(
      { length: bias.values.length },
      (_, channel) => activationScale * weightScales[weightScales.length === 1 ? 0 : channel],
    );
    const quantized = Int32Array.from(bias.values, (value, channel) =>
      Math.round(value / scales[channel]),
    );
    const perChannel = scales.length > 1;
    const valuesName = this.planner.addTensor(
      int32Tensor(`${node.input[2]}_quantized`, bias.dims, quantized),
    );
    const scaleName = this.planner.addTensor(
      floatTensor(
        `${node.input[2]}_scale`,
        perChannel ? bias.dims : [],
        perChannel ? scales : [scales[0]],
      ),
    );
    const output = this.names.fresh(`${node.input[2]}_dequantized`);
    const attributes: Record<string, AttributeValue> = perChannel ? { axis: { int: 0 } } : {};
    nodes.push(
      makeNode("DequantizeLinear", [valuesName, scaleName], [output], attributes, {
        name: this.names.fresh(`${node.input[2]}_DequantizeLinear`),
        domain: this.domain,
      }),
    );
    return output;
  }

  private rangeOf(name: string): ActivationRange {
    const range = this.ranges.get(name);
    if (!range) throw new Error(`No calibration range for '${name}'`);
    return range;
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
  if (opset < FUSED_KERNEL_OPSET) {
    throw new UsageError(
      "OPSET_UNSUPPORTED",
      `int8-static needs ai.onnx opset ${FUSED_KERNEL_OPSET} or later; the model imports ` +
        `opset ${opset}`,
      {
        hint:
          `ONNX Runtime turns QDQ groups into QLinearConv/QLinearMatMul ` +
          `(opset ${FUSED_KERNEL_OPSET}). Re-export with a newer opset, or use --quantize int8.`,
      },
    );
  }
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
