/**
 * What a benchmark measures and when it stops: the benchmark child's request, which its lanes
 * (benchmark-lanes.ts) share, so the two cannot drift apart.
 */
import type { Target } from "./targets.js";
import type { InputTensor } from "./tensor-types.js";

export interface BenchmarkPlan {
  /** The artifact's file in the object store. */
  modelPath: string;
  target: Target;
  inputs: InputTensor[];
  warmup: number;
  /** Stop after this many steady-state samples (Infinity with `--duration` alone). */
  maxRuns: number;
  /** Never stop before this many samples, whatever the duration says. */
  minimumRuns: number;
  durationMs?: number;
  concurrency: number;
}
