/**
 * The transforms `--quantize` and `--optimize` select. Each decodes the model, runs a graph
 * transform from `onnx/transforms/`, and encodes the result; any failure is an error, never a
 * silent pass-through.
 */
import { isMlbuildError, RuntimeFailure } from "../errors.js";
import { decodeModel, encodeModel, type ModelProto } from "../onnx/proto.js";
import { convertToFloat16 } from "../onnx/transforms/fp16.js";
import { quantizeDynamic } from "../onnx/transforms/int8-dynamic.js";
import type { JsonObject } from "../registry/records.js";
import type { OptimizationLevel } from "./optimize.js";
import { quantizeStaticWithCalibration } from "./static-quantization.js";
import { readTransformOptions } from "./transform-options.js";
import type { Transform, TransformInput, TransformOutput } from "./transform-types.js";

/** Runs a proto-to-proto transform; an unexpected exception is a tool failure (exit 4). */
function protoTransform(
  name: string,
  apply: (
    model: ModelProto,
    input: TransformInput,
  ) => Promise<{ model: ModelProto; report: object }>,
): (input: TransformInput) => Promise<TransformOutput> {
  return async (input) => {
    try {
      const result = await apply(decodeModel(input.model), input);
      return { model: encodeModel(result.model), report: result.report as JsonObject };
    } catch (error) {
      if (isMlbuildError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new RuntimeFailure("TRANSFORM_FAILED", `The ${name} transform failed: ${reason}`, {
        hint: "Nothing was recorded. Run with --verbose and report the model to mlbuild.",
        cause: error,
      });
    }
  };
}

const fp16: Transform = {
  version: "1",
  apply: protoTransform("fp16", async (model, input) => {
    const options = readTransformOptions(input.config.transformOptions);
    return convertToFloat16(model, options);
  }),
};

const int8Dynamic: Transform = {
  version: "1",
  apply: protoTransform("int8", async (model, input) => {
    const options = readTransformOptions(input.config.transformOptions);
    return quantizeDynamic(model, options);
  }),
};

const int8Static: Transform = {
  version: "1",
  apply: protoTransform("int8-static", async (model, input) => {
    const options = readTransformOptions(input.config.transformOptions);
    return quantizeStaticWithCalibration(model, await input.samples(), options);
  }),
};

function optimization(level: OptimizationLevel): Transform {
  return {
    version: "1",
    apply: async (input) => {
      const { optimizeModel } = await import("./optimize.js");
      return optimizeModel(input.model, level);
    },
  };
}

export const builtInTransforms: ReadonlyArray<[string, Transform]> = [
  ["quantize:fp16", fp16],
  ["quantize:int8", int8Dynamic],
  ["quantize:int8-static", int8Static],
  ["optimize:basic", optimization("basic")],
  ["optimize:extended", optimization("extended")],
  ["optimize:all", optimization("all")],
];
