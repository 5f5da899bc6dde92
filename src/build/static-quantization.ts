/**
 * Static int8 quantization end to end: expose the activations the QDQ transform needs as model
 * outputs, run the source model on the calibration samples to measure their ranges, then
 * rewrite the model with those ranges.
 */
import type { ModelProto } from "../onnx/proto.js";
import { encodeModel } from "../onnx/proto.js";
import {
  type ActivationRange,
  HistogramCollector,
  MinMaxCollector,
} from "../onnx/transforms/calibration.js";
import { exposeValues } from "../onnx/transforms/expose.js";
import { quantizeStatic, staticQuantizationTargets } from "../onnx/transforms/int8-static.js";
import type { JsonObject } from "../registry/records.js";
import { ModelRunner } from "./model-runner.js";
import type { InputSamples } from "./samples.js";
import type { TransformOptions } from "./transform-options.js";

async function collectRanges(
  model: ModelProto,
  targets: readonly string[],
  inputs: InputSamples,
  method: TransformOptions["calibrationMethod"],
): Promise<Map<string, ActivationRange>> {
  const runner = await ModelRunner.open(encodeModel(exposeValues(model, targets)), "basic");
  try {
    const minMax = new MinMaxCollector();
    for (const sample of inputs.samples) {
      const outputs = await runner.run(sample);
      for (const name of targets) {
        const output = outputs.get(name);
        if (output) minMax.observe(name, output.values);
      }
    }
    if (method === "minmax") return minMax.ranges;

    const histograms = new HistogramCollector(minMax.ranges);
    for (const sample of inputs.samples) {
      const outputs = await runner.run(sample);
      for (const name of targets) {
        const output = outputs.get(name);
        if (output) histograms.observe(name, output.values);
      }
    }
    return histograms.ranges();
  } finally {
    await runner.release();
  }
}

export async function quantizeStaticWithCalibration(
  model: ModelProto,
  inputs: InputSamples,
  options: TransformOptions,
): Promise<{ model: ModelProto; report: JsonObject }> {
  const targets = staticQuantizationTargets(model);
  const ranges = await collectRanges(model, targets, inputs, options.calibrationMethod);
  const result = quantizeStatic(model, ranges, options);
  const report = {
    ...result.report,
    calibration: {
      method: options.calibrationMethod,
      samples: inputs.samples.length,
      source: inputs.source,
      activations: ranges.size,
    },
  };
  return { model: result.model, report: report as unknown as JsonObject };
}
