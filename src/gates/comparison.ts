/**
 * Turns per-process measurements of a baseline and a candidate into one `MetricComparison` per
 * metric. Pure: the measuring happens elsewhere.
 */
import { decide, type Verdict } from "../stats/ratio.js";
import { guardMemoryComparison } from "./memory-verdict.js";
import {
  type CompareMetricName,
  type MetricDefinition,
  measuredMetricNames,
  metricDefinitions,
  type ProcessValues,
} from "./metrics.js";
import type { MetricComparison } from "./types.js";

/** One measurement process: both builds, measured side by side in alternating blocks. */
export interface ProcessPair {
  baseline: ProcessValues;
  candidate: ProcessValues;
  /** Which session the process created first (memory growth depends on it). */
  baselineCreatedFirst?: boolean;
}

export const pairedMethod =
  "ratio of per-process statistics from interleaved paired processes; Student's t interval " +
  "on the mean log-ratio over processes (Schuirmann 1987), back-transformed";

export const exactMethod = "exact: artifact sizes, no sampling";

function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}

export function ratiosOf(pairs: readonly ProcessPair[], definition: MetricDefinition): number[] {
  const statistic = definition.perProcess;
  if (!statistic) throw new RangeError(`${definition.name} has no per-process value`);
  return pairs.map((pair) => statistic(pair.candidate) / statistic(pair.baseline));
}

/**
 * The comparison of one measured metric at `confidence`. The displayed baseline and candidate
 * are geometric means of the per-process values, so candidate / baseline equals the estimated
 * ratio exactly.
 */
export function compareMeasuredMetric(
  pairs: readonly ProcessPair[],
  metric: CompareMetricName,
  thresholdPct: number,
  confidence: number,
): MetricComparison {
  const definition = metricDefinitions[metric];
  const statistic = definition.perProcess;
  if (!statistic) throw new RangeError(`${metric} is exact, not measured`);
  const decision = decide({
    ratios: ratiosOf(pairs, definition),
    thresholdPct,
    direction: definition.direction,
    confidence,
  });
  const { estimate } = decision;
  const lower = estimate.lowerChange ?? Number.NEGATIVE_INFINITY;
  const upper = estimate.upperChange ?? Number.POSITIVE_INFINITY;
  return {
    metric,
    unit: definition.unit,
    direction: definition.direction,
    baseline: geometricMean(pairs.map((pair) => statistic(pair.baseline))),
    candidate: geometricMean(pairs.map((pair) => statistic(pair.candidate))),
    change_pct: estimate.relativeChange * 100,
    interval_pct: [lower * 100, upper * 100],
    confidence,
    threshold_pct: thresholdPct,
    verdict: decision.verdict,
    method: pairedMethod,
    replications: pairs.length,
  };
}

/** Size is exact: the verdict is the change against the threshold, with no interval to wait for. */
export function compareSize(
  baselineBytes: number,
  candidateBytes: number,
  thresholdPct: number,
): MetricComparison {
  const definition = metricDefinitions.size;
  const changePct = (candidateBytes / baselineBytes - 1) * 100;
  let verdict: Verdict = "no-change";
  if (changePct > thresholdPct) verdict = "regression";
  else if (changePct < -thresholdPct) verdict = "improvement";
  return {
    metric: "size",
    unit: definition.unit,
    direction: definition.direction,
    baseline: baselineBytes / (1024 * 1024),
    candidate: candidateBytes / (1024 * 1024),
    change_pct: changePct,
    interval_pct: [changePct, changePct],
    confidence: 1,
    threshold_pct: thresholdPct,
    verdict,
    method: exactMethod,
    replications: 1,
  };
}

/**
 * Every metric for the table. The gated metric is decided elsewhere (sequentially); the others
 * are shown at the same confidence for context and do not set the exit code.
 */
export function compareAllMeasured(
  pairs: readonly ProcessPair[],
  thresholdPct: number,
  confidence: number,
): MetricComparison[] {
  if (pairs.length < 1) return [];
  return measuredMetricNames.map((metric) => {
    const comparison = compareMeasuredMetric(pairs, metric, thresholdPct, confidence);
    guardMemoryComparison(pairs, comparison);
    return comparison;
  });
}
