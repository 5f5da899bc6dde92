/**
 * Statistics of one benchmark, as stored in the registry and printed with `--json`. Every
 * percentile is taken over all samples (outliers are flagged, never dropped) and carries a 95%
 * distribution-free interval; see docs/benchmarking.md for the methods.
 */
import type { BenchmarkChildResult } from "../runtime/benchmark-child.js";
import { coefficientOfVariation, mean, median, standardDeviation } from "../stats/descriptive.js";
import { compareHalves } from "../stats/drift.js";
import { tukeyOutliers } from "../stats/outliers.js";
import { minimumSamplesFor, quantileConfidenceInterval } from "../stats/percentile-ci.js";

/** Confidence of every interval we report. */
export const intervalConfidence = 0.95;
/** Confidence of the minimum-samples rule for gating (MLPerf LoadGen uses 99%). */
export const gateConfidence = 0.99;

export const reportedPercentiles = [50, 90, 95, 99, 99.9] as const;

export interface PercentileEstimate {
  value_ms: number;
  /** Bounds of the 95% interval; null when n is too small for one. */
  ci_low_ms: number | null;
  ci_high_ms: number | null;
  /** Samples needed before this percentile may gate (one-sided binomial rule at 99%). */
  minimum_samples_to_gate: number;
  enough_to_gate: boolean;
}

export interface LatencySummary {
  count: number;
  min_ms: number;
  max_ms: number;
  mean_ms: number;
  stddev_ms: number;
  cv: number;
  percentiles: Record<string, PercentileEstimate>;
  percentile_method: string;
  interval_method: string;
}

export interface OutlierSummary {
  method: string;
  mild: number;
  extreme: number;
  /** Indices into the samples of the extreme ones (at most 1000); none was dropped. */
  extreme_indices: number[];
}

export interface DriftSummary {
  first_half_median_ms: number;
  second_half_median_ms: number;
  relative_change: number;
  p_value: number;
  drifted: boolean;
  method: string;
}

/** `p99.9` → `p99_9`: keys that read well in JSON and jq. */
export function percentileKey(percentile: number): string {
  return `p${String(percentile).replace(".", "_")}`;
}

export function percentileEstimate(
  samples: readonly number[],
  percentile: number,
): PercentileEstimate {
  const q = percentile / 100;
  const interval = quantileConfidenceInterval(samples, q, intervalConfidence);
  const minimum = minimumSamplesFor(q, gateConfidence);
  return {
    value_ms: interval.estimate,
    ci_low_ms: interval.lower ?? null,
    ci_high_ms: interval.upper ?? null,
    minimum_samples_to_gate: minimum,
    enough_to_gate: samples.length >= minimum,
  };
}

export function summarizeLatency(samples: readonly number[]): LatencySummary {
  const percentiles = Object.fromEntries(
    reportedPercentiles.map((percentile) => [
      percentileKey(percentile),
      percentileEstimate(samples, percentile),
    ]),
  );
  return {
    count: samples.length,
    min_ms: Math.min(...samples),
    max_ms: Math.max(...samples),
    mean_ms: mean(samples),
    stddev_ms: samples.length > 1 ? standardDeviation(samples) : 0,
    cv: samples.length > 1 ? coefficientOfVariation(samples) : 0,
    percentiles,
    percentile_method: "Hyndman & Fan type 7 (linear interpolation) over all samples",
    interval_method: "distribution-free order statistics, binomial (Conover §3.2), 95% two-sided",
  };
}

export function summarizeOutliers(samples: readonly number[]): OutlierSummary {
  const tukey = tukeyOutliers(samples);
  return {
    method: "Tukey's fences: mild beyond 1.5×IQR, extreme beyond 3×IQR (flagged, never dropped)",
    mild: tukey.mildCount,
    extreme: tukey.extremeCount,
    extreme_indices: tukey.extreme.slice(0, 1000),
  };
}

export function summarizeDrift(samples: readonly number[]): DriftSummary | null {
  if (samples.length < 20) return null;
  const report = compareHalves(samples);
  return {
    first_half_median_ms: report.firstHalfMedian,
    second_half_median_ms: report.secondHalfMedian,
    relative_change: report.relativeChange,
    p_value: report.pValue,
    drifted: report.drifted,
    method: "Mann-Whitney U on the two halves, α = 0.01, at least a 2% change of the median",
  };
}

export interface WarmupSummary {
  count: number;
  mean_ms: number | null;
  median_ms: number | null;
}

export function summarizeWarmup(warmup: readonly number[]): WarmupSummary {
  return {
    count: warmup.length,
    mean_ms: warmup.length > 0 ? mean(warmup) : null,
    median_ms: warmup.length > 0 ? median(warmup) : null,
  };
}

export interface MemorySummary {
  method: string;
  peak_rss_mb: number;
  baseline_rss_mb: number;
  /** Peak minus the RSS after the runtime loaded, before the session: the model's share. */
  model_mb: number;
  /** Sessions in the model's share: one per lane with `--concurrency`. */
  sessions: number;
}

const megabyte = 2 ** 20;

export function summarizeMemory(memory: BenchmarkChildResult["memory"]): MemorySummary {
  return {
    method:
      "peak = getrusage ru_maxrss of the child; model = peak − RSS after runtime init, " +
      "before the session(s)",
    peak_rss_mb: memory.peakRssBytes / megabyte,
    baseline_rss_mb: memory.baselineRssBytes / megabyte,
    model_mb: Math.max(0, memory.peakRssBytes - memory.baselineRssBytes) / megabyte,
    sessions: memory.sessions ?? 1,
  };
}
