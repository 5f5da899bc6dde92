/**
 * Dynamic int8 quantization: weights of MatMul, Gemm and Conv are quantized ahead of time, and
 * activations are quantized while the model runs, in the form ONNX Runtime's CPU provider runs
 * with integer kernels: DynamicQuantizeLinear → MatMulInteger/ConvInteger → Cast → Mul by the
 * product of scales. (Weight-only DequantizeLinear → MatMul is not used: the runtime either folds
 * it back to a float32 MatMul or runs it several times slower.) The reference point is ONNX
 * Runtime's `quantize_dynamic`; this is an independent implementation.
 */
import { makeNode } from "../builder.js";
import { clone, type ModelProto, ModelProtoSchema, type NodeProto } from "../proto.js";
import { nothingToQuantize } from "./fp16.js";
import { constantsToInitializers, importOpset, NameAllocator, opsetVersion } from "./graph-edit.js";
import { QuantizationPlanner, type QuantizationReport, type WeightedNode } from "./planner.js";
import { transpose2d } from "./weights.js";

export interface Int8DynamicOptions {
  /** One scale per weight tensor instead of one per output channel. */
  perTensor?: boolean;
  allowNoop?: boolean;
}

/** DynamicQuantizeLinear, the standard form's activation quantizer, came with opset 11. */
const STANDARD_FORM_OPSET = 11;

class DynamicRewriter {
  private readonly activations = new Map<string, [string, string, string]>();

  constructor(
    private readonly planner: QuantizationPlanner,
    private readonly names: NameAllocator,
    private readonly standardForm: boolean,
  ) {}

  /** The quantized activation (value, scale, zero point), quantized once per value. */
  private quantizedActivation(name: string, nodes: NodeProto[]): [string, string, string] {
    const known = this.activations.get(name);
    if (known) return known;
    const outputs: [string, string, string] = [
      this.names.fresh(`${name}_quantized`),
      this.names.fresh(`${name}_scale`),
      this.names.fresh(`${name}_zero_point`),
    ];
    const nodeName = this.names.fresh(`${name}_DynamicQuantizeLinear`);
    nodes.push(makeNode("DynamicQuantizeLinear", [name], outputs, {}, { name: nodeName }));
    this.activations.set(name, outputs);
    return outputs;
  }

  /** Replacement nodes for MatMul and Gemm: y = (A·Bq) · (a_scale · b_scale) [+ C]. */
  rewriteMatMul(target: WeightedNode): NodeProto[] {
    const { node, weightValues, weightDims } = target;
    const nodes: NodeProto[] = [];
    const isGemm = node.opType === "Gemm";
    const transposed = isGemm && target.attributes.transB === 1;
    const [rows, columns] = transposed ? [weightDims[1], weightDims[0]] : weightDims;
    const matrix = transposed
      ? transpose2d(weightValues, weightDims[0], weightDims[1])
      : weightValues;
    const weight = this.planner.addWeight(node.input[1], matrix, [rows, columns], 1, {
      scaleFactor: isGemm ? target.attributes.alpha : 1,
      perChannelZeroPoint: true,
    });

    const output = node.output[0];
    const bias = isGemm ? this.planner.gemmBias(node, target.attributes.beta) : undefined;
    const product = bias ? this.names.fresh(`${output}_product`) : output;
    const named = (suffix: string) => ({
      name: this.names.fresh(`${node.name || output}_${suffix}`),
    });
    if (this.standardForm) {
      const [value, scale, zeroPoint] = this.quantizedActivation(node.input[0], nodes);
      const accumulated = this.names.fresh(`${output}_int32`);
      const widened = this.names.fresh(`${output}_accumulated`);
      const combinedScale = this.names.fresh(`${output}_scale`);
      nodes.push(
        makeNode(
          "MatMulInteger",
          [value, weight.values, zeroPoint, weight.zeroPoint],
          [accumulated],
          {},
          named("MatMulInteger"),
        ),
        makeNode("Cast", [accumulated], [widened], { to: { int: 1 } }, named("Cast")),
        makeNode("Mul", [scale, weight.scales], [combinedScale], {}, named("scale")),
        makeNode("Mul", [widened, combinedScale], [product], {}, named("rescale")),
      );
    } else {
      // Before opset 11, ONNX Runtime's own fused operator does the same in one node.
      const inputs = [node.input[0], weight.values, weight.scales, weight.zeroPoint];
      nodes.push(
        makeNode(
          "DynamicQuantizeMatMul",
          inputs,
          [product],
          {},
          { ...named("DynamicQuantizeMatMul"), domain: "com.microsoft" },
        ),
      );
    }
    if (bias) nodes.push(makeNode("Add", [product, bias], [output], {}, named("bias")));
    return nodes;
  }

  /** Replacement nodes for Conv: ConvInteger, then rescale per output channel, then bias. */
  rewriteConv(target: WeightedNode): NodeProto[] {
    const { node, weightValues, weightDims } = target;
    const nodes: NodeProto[] = [];
    const spatial = weightDims.slice(2).map(() => 1);
    const weight = this.planner.addWeight(node.input[1], weightValues, weightDims, 0, {
      scaleShape: [weightDims[0], ...spatial],
    });
    const [value, scale, zeroPoint] = this.quantizedActivation(node.input[0], nodes);
    const output = node.output[0];
    const named = (suffix: string) => ({
      name: this.names.fresh(`${node.name || output}_${suffix}`),
    });
    const accumulated = this.names.fresh(`${output}_int32`);
    const widened = this.names.fresh(`${output}_accumulated`);
    const combinedScale = this.names.fresh(`${output}_scale`);
    const bias = this.planner.convBias(node, spatial.length);
    const product = bias ? this.names.fresh(`${output}_product`) : output;
    const convAttributes = node.attribute.map((attribute) => ({ ...attribute }));
    nodes.push(
      {
        ...makeNode(
          "ConvInteger",
          [value, weight.values, zeroPoint, weight.zeroPoint],
          [accumulated],
          {},
          named("ConvInteger"),
        ),
        attribute: convAttributes,
      },
      makeNode("Cast", [accumulated], [widened], { to: { int: 1 } }, named("Cast")),
      makeNode("Mul", [scale, weight.scales], [combinedScale], {}, named("scale")),
      makeNode("Mul", [widened, combinedScale], [product], {}, named("rescale")),
    );
    if (bias) nodes.push(makeNode("Add", [product, bias], [output], {}, named("bias")));
    return nodes;
  }
}

/** Quantizes a model dynamically; the input model is not modified. */
export function quantizeDynamic(
  source: ModelProto,
  options: Int8DynamicOptions = {},
): { model: ModelProto; report: QuantizationReport } {
  const model = clone(ModelProtoSchema, source);
  const graph = model.graph;
  if (!graph) throw nothingToQuantize("graph");
  constantsToInitializers(graph);

  const opset = opsetVersion(model) ?? 1;
  const standardForm = opset >= STANDARD_FORM_OPSET;
  const names = new NameAllocator(model);
  const planner = new QuantizationPlanner(model, names, { perTensor: options.perTensor ?? false });
  const rewriter = new DynamicRewriter(planner, names, standardForm);
  const convReason = standardForm
    ? undefined
    : `ConvInteger needs DynamicQuantizeLinear (ai.onnx opset ${STANDARD_FORM_OPSET}); the ` +
      `model imports opset ${opset}`;

  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    const target = planner.plan(node, { convUnsupported: convReason });
    if (!target) nodes.push(node);
    else if (node.opType === "Conv") nodes.push(...rewriter.rewriteConv(target));
    else nodes.push(...rewriter.rewriteMatMul(target));
  }

  const report = planner.report("dynamic");
  if (report.quantizedNodes === 0) {
    if (!options.allowNoop) throw planner.nothingQuantizable();
    return { model: source, report: { ...report, noop: true } };
  }
  graph.node = nodes;
  planner.commitWeights(graph);
  if (!standardForm) importOpset(model, "com.microsoft", 1);
  return { model, report };
}
