import { createHash } from "node:crypto";
import type { JsonObject } from "../registry/records.js";
import type { Target } from "../runtime/targets.js";
import { dependencyVersion, mlbuildVersion } from "../runtime/versions.js";
import { canonicalJson } from "./canonical-json.js";

export type Quantization = "fp32" | "fp16" | "int8" | "int8-static";
export type Optimization = "none" | "basic" | "extended" | "all";

/** Everything chosen for a build that changes its artifact or how it runs. */
export interface BuildConfig extends JsonObject {
  target: string;
  quantize: Quantization;
  optimize: Optimization;
  /** Options of the transforms, such as fp16's keep-io-types; empty when none apply. */
  transformOptions: JsonObject;
}

/**
 * The versions that produced the artifact. No host name and no time: the same inputs must give
 * the same ID on any machine.
 */
export interface Toolchain extends JsonObject {
  mlbuild: string;
  runtime: string;
  transforms: JsonObject;
}

export function toolchainFor(target: Target, transforms: JsonObject): Toolchain {
  return {
    mlbuild: mlbuildVersion(),
    runtime: `${target.runtime}@${dependencyVersion(target.runtime)}`,
    transforms,
  };
}

/** `build_id` is the SHA-256 of the canonical JSON of (source hash, config, toolchain). */
export function buildIdOf(sourceHash: string, config: BuildConfig, toolchain: Toolchain): string {
  const identity = { sourceHash, config, toolchain };
  return createHash("sha256").update(canonicalJson(identity)).digest("hex");
}
