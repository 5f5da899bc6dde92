/**
 * What a transform is: the built-in ones (builtin-transforms.ts) and the registry of transforms
 * (transforms.ts) both need these, and the registry imports the built-in ones.
 */
import type { JsonObject } from "../registry/records.js";
import type { BuildConfig } from "./identity.js";
import type { InputSamples } from "./samples.js";

export interface TransformInput {
  /** The source model, with any external data inlined. */
  model: Uint8Array;
  config: BuildConfig;
  /** Calibration samples (or seeded random ones), loaded on first use. */
  samples: () => Promise<InputSamples>;
}

export interface TransformContext {
  samples: () => Promise<InputSamples>;
}

export interface TransformOutput {
  model: Uint8Array;
  /** What the transform did, for people (counts, clamped values, skipped ops). */
  report: JsonObject;
}

export interface Transform {
  /** Bumped whenever the transform's output bytes change; part of the build's toolchain. */
  version: string;
  apply(input: TransformInput): Promise<TransformOutput>;
}
