import { UsageError } from "../errors.js";
import type { JsonObject } from "../registry/records.js";
import { builtInTransforms } from "./builtin-transforms.js";
import type { BuildConfig } from "./identity.js";
import type { InputSamples } from "./samples.js";
import type { Transform, TransformContext } from "./transform-types.js";

export type {
  Transform,
  TransformContext,
  TransformInput,
  TransformOutput,
} from "./transform-types.js";

/** Transforms by the `--quantize` or `--optimize` value that selects them. */
const transforms = new Map<string, Transform>();

export function registerTransform(name: string, transform: Transform): void {
  transforms.set(name, transform);
}

/** The transforms a config asks for, in the order they run: optimise first, then quantize. */
export function transformsFor(config: BuildConfig): Array<[string, Transform]> {
  const names: string[] = [];
  if (config.optimize !== "none") names.push(`optimize:${config.optimize}`);
  if (config.quantize !== "fp32") names.push(`quantize:${config.quantize}`);
  return names.map((name) => {
    const transform = transforms.get(name);
    if (!transform) {
      throw new UsageError("TRANSFORM_UNAVAILABLE", `This mlbuild has no transform '${name}'`, {
        hint: "Build without it, or upgrade mlbuild.",
      });
    }
    return [name, transform];
  });
}

const noSamples = async (): Promise<InputSamples> => {
  throw new Error("This build was given no input samples for its transforms");
};

export async function applyTransforms(
  model: Uint8Array,
  config: BuildConfig,
  context: TransformContext = { samples: noSamples },
): Promise<{ model: Uint8Array; reports: JsonObject }> {
  let current = model;
  const reports: JsonObject = {};
  for (const [name, transform] of transformsFor(config)) {
    const output = await transform.apply({ model: current, config, samples: context.samples });
    current = output.model;
    reports[name] = output.report;
  }
  return { model: current, reports };
}

for (const [name, transform] of builtInTransforms) registerTransform(name, transform);
