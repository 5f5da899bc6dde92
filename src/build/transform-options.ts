/**
 * The transform options of a build, read from its stored config. Apart from the transforms so
 * that the calibration code and the transforms can both read them without importing each other.
 */
import type { JsonObject } from "../registry/records.js";

/** The options `build` accepts for transforms, as stored in `config.transformOptions`. */
export interface TransformOptions {
  keepIoTypes: boolean;
  perTensor: boolean;
  calibrationMethod: "minmax" | "percentile";
  allowNoop: boolean;
}

export function readTransformOptions(options: JsonObject): TransformOptions {
  return {
    keepIoTypes: options.keepIoTypes !== false,
    perTensor: options.perTensor === true,
    calibrationMethod: options.calibrationMethod === "percentile" ? "percentile" : "minmax",
    allowNoop: options.allowNoop === true,
  };
}
