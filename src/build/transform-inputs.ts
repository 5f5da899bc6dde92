/**
 * What a build with transforms needs besides the model: its transform options in canonical
 * form (part of the build's identity), the samples to calibrate and check accuracy with, and the
 * accuracy check itself.
 */
import type { LoadedModel } from "../onnx/model.js";
import type { JsonObject } from "../registry/records.js";
import { type AccuracyRecord, measureAccuracy } from "./accuracy.js";
import type { Quantization } from "./identity.js";
import { calibrationSamples, type InputSamples, randomSamples } from "./samples.js";
import { readTransformOptions } from "./transform-options.js";

export interface TransformRequest {
  quantize?: Quantization;
  transformOptions?: JsonObject;
  /** `--calibration DIR`: calibration data for int8-static, validation data for the others. */
  calibrationDir?: string;
}

export interface TransformInputs {
  transformOptions: JsonObject;
  samples: () => Promise<InputSamples>;
}

/** Only the options the chosen quantization reads, defaults spelled out, so IDs are stable. */
function canonicalOptions(quantize: Quantization, given: JsonObject): JsonObject {
  const options = readTransformOptions(given);
  switch (quantize) {
    case "fp16":
      return { keepIoTypes: options.keepIoTypes, allowNoop: options.allowNoop };
    case "int8":
      return { perTensor: options.perTensor, allowNoop: options.allowNoop };
    case "int8-static":
      return {
        perTensor: options.perTensor,
        calibrationMethod: options.calibrationMethod,
        allowNoop: options.allowNoop,
      };
    default:
      return {};
  }
}

export async function prepareTransformInputs(
  request: TransformRequest,
  model: LoadedModel,
): Promise<TransformInputs> {
  const quantize = request.quantize ?? "fp32";
  let loaded: Promise<InputSamples> | undefined;
  const samples = () => {
    loaded ??= request.calibrationDir
      ? calibrationSamples(model, request.calibrationDir)
      : randomSamples(model);
    return loaded;
  };
  const transformOptions = canonicalOptions(quantize, request.transformOptions ?? {});
  if (quantize === "int8-static") {
    // The ranges, and so the artifact, depend on the calibration data's content.
    transformOptions.calibrationDigest = (await samples()).digest;
  }
  return { transformOptions, samples };
}

/** Outputs of the model computed by Softmax: classifier-like whatever their rank. */
function softmaxOutputs(model: LoadedModel): Set<string> {
  const graph = model.proto.graph;
  const outputs = new Set(graph?.output.map((output) => output.name));
  const found = new Set<string>();
  for (const node of graph?.node ?? []) {
    if (node.opType === "Softmax" && outputs.has(node.output[0])) found.add(node.output[0]);
  }
  return found;
}

/** Accuracy of a transformed artifact against its source, on the build's samples. */
export async function measureBuildAccuracy(
  source: Uint8Array,
  artifact: Uint8Array,
  model: LoadedModel,
  inputs: TransformInputs,
): Promise<AccuracyRecord> {
  return measureAccuracy(source, artifact, await inputs.samples(), {
    softmaxOutputs: softmaxOutputs(model),
  });
}
