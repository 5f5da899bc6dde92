/**
 * Warnings that fit the run, in hyperfine's spirit: each says what looks wrong and what to try.
 */
import { median } from "../stats/descriptive.js";
import { steadyStateStart } from "../stats/drift.js";
import type { DriftSummary, LatencySummary, OutlierSummary } from "./summary.js";

/** Above this σ/mean the run is too noisy to trust small differences. */
const highVariation = 0.1;

export interface WarningInputs {
  samples: readonly number[];
  latency: LatencySummary;
  outliers: OutlierSummary;
  drift: DriftSummary | null;
  warmupCount: number;
  /** Percentiles the caller will gate on or show (50, 95, 99, ...). */
  percentilesShown: readonly number[];
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function tooFewSamples(input: WarningInputs): string[] {
  const warnings: string[] = [];
  for (const percentile of input.percentilesShown) {
    const estimate = input.latency.percentiles[`p${String(percentile).replace(".", "_")}`];
    if (estimate && !estimate.enough_to_gate) {
      warnings.push(
        `p${percentile} from ${input.latency.count} samples: not enough to gate on ` +
          `(needs ${estimate.minimum_samples_to_gate}; raise --runs or --duration).`,
      );
    }
  }
  return warnings;
}

/** The first measured runs are still slower than the rest: the warm-up was too short. */
function slowFirstRuns(input: WarningInputs): string | undefined {
  const start = steadyStateStart(input.samples, { tolerancePct: 10, window: 5 });
  if (start === undefined || start < 3) return undefined;
  const early = median(input.samples.slice(0, start));
  const overall = input.latency.percentiles.p50.value_ms;
  if (early < overall * 1.2) return undefined;
  return (
    `The first ${start} measured runs were slower (median ${early.toFixed(3)} ms vs ` +
    `${overall.toFixed(3)} ms): raise --warmup to at least ${input.warmupCount + start}.`
  );
}

export function benchmarkWarnings(input: WarningInputs): string[] {
  const warnings: string[] = [];
  if (input.latency.cv > highVariation) {
    warnings.push(
      `High variation: CV ${percent(input.latency.cv)} (σ/mean). Close other programs, ` +
        "set --threads, or run on a quieter machine before trusting small differences.",
    );
  }
  warnings.push(...tooFewSamples(input));
  const slow = slowFirstRuns(input);
  if (slow) warnings.push(slow);
  if (input.drift?.drifted) {
    const sign = input.drift.relative_change > 0 ? "+" : "";
    warnings.push(
      `Latency drifted between the first and second half of the run ` +
        `(${sign}${percent(input.drift.relative_change)}, ` +
        `p = ${input.drift.p_value.toPrecision(2)}): ` +
        "the machine's state changed (thermal throttling, other load).",
    );
  }
  if (input.outliers.extreme > 0) {
    warnings.push(
      `${input.outliers.extreme} extreme outliers (beyond 3×IQR) are kept in every statistic; ` +
        "they usually come from other programs or interrupts.",
    );
  }
  return warnings;
}
