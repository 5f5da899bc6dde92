import type { Command } from "commander";
import type { ModelSummary, TensorSignature } from "../../onnx/summary.js";
import { action } from "../context.js";
import { renderDivergence } from "../divergence-text.js";
import { formatBytes, renderTable } from "../table.js";

function signature(tensor: TensorSignature): string[] {
  const shape = tensor.shape === null ? "?" : `[${tensor.shape.join(", ")}]`;
  return [tensor.name, tensor.dtype, shape];
}

export function renderSummary(summary: ModelSummary): string {
  const opsets = Object.entries(summary.opsetImports)
    .map(([domain, version]) => `${domain} ${version}`)
    .join(", ");
  const ops = Object.entries(summary.opHistogram).map(([op, count]) => [op, String(count)]);
  return [
    `ir ${summary.irVersion}, opsets: ${opsets}; ` +
      `producer: ${summary.producerName || "-"} ${summary.producerVersion}`,
    "",
    "inputs:",
    renderTable(["NAME", "DTYPE", "SHAPE"], summary.inputs.map(signature), { indent: "  " }),
    "outputs:",
    renderTable(["NAME", "DTYPE", "SHAPE"], summary.outputs.map(signature), { indent: "  " }),
    "",
    `nodes: ${summary.nodeCount}   parameters: ${summary.parameterCount.toLocaleString("en-US")}` +
      `   weights: ${formatBytes(summary.weightBytes)}   file: ${formatBytes(summary.fileSize)}`,
    "",
    renderTable(["OP", "COUNT"], ops, { indent: "  ", align: ["left", "right"] }),
  ].join("\n");
}

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("inputs, outputs, opsets, op histogram, parameters and size of a model")
    .argument("<ref-or-file>", "an ONNX file, or a build reference")
    .option("--divergence", "where a quantized build departs from its source, value by value")
    .action(
      action(async (context, argument: string, options: { divergence?: boolean }) => {
        if (options.divergence) {
          const { findDivergence } = await import("../../build/divergence.js");
          const report = await findDivergence(await context.workspace(), argument);
          context.output.result(report, () => renderDivergence(report));
          return 0;
        }
        const { inspectModel } = await import("../../build/inspect.js");
        const result = await inspectModel(argument, () => context.workspace());
        context.output.result(result, () => renderSummary(result.summary));
        return 0;
      }),
    );
}
