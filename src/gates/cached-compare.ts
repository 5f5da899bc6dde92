/**
 * `compare --use-cached`: decide from stored benchmarks instead of measuring. Stored benchmarks
 * of the two builds ran in different processes, at different times, so nothing cancels in a
 * ratio the way it does in a paired process. Each stored benchmark is one replication:
 *
 * - with two or more benchmarks on each side, Welch's t interval on the difference of mean
 *   log-statistics (Welch 1947), back-transformed to a ratio;
 * - with one on a side, a two-sample percentile bootstrap of the ratio of statistics (Davison &
 *   Hinkley 1997, §3.2), which sees sample noise only; a warning says so.
 */

import { headlineOf } from "../build/history.js";
import { UsageError } from "../errors.js";
import type { BenchmarkRecord, BuildRecord } from "../registry/records.js";
import { resample } from "../stats/bootstrap.js";
import { quantileSorted, sortAscending } from "../stats/descriptive.js";
import { studentTQuantile } from "../stats/distributions.js";
import { createRng } from "../stats/random.js";
import type { Verdict } from "../stats/ratio.js";
import type { Workspace } from "../workspace.js";
import { measuredMetricNames, metricDefinitions, type ProcessValues } from "./metrics.js";
import type { MetricComparison } from "./types.js";

const storedLimit = 10;

export interface CachedRequest {
  thresholdPct: number;
  allowTestbedMismatch?: boolean;
  alpha?: number;
  seed?: number;
}

function noBenchmark(build: BuildRecord): UsageError {
  const id = build.buildId.slice(0, 12);
  return new UsageError("BENCHMARK_NONE", `Build ${id} has no stored benchmark to compare`, {
    hint: `Run \`mlbuild benchmark ${id}\` first, or drop --use-cached to measure both afresh.`,
  });
}

/** The candidate's newest testbed decides; the baseline must have results from the same one. */
async function storedPairs(
  workspace: Workspace,
  baseline: BuildRecord,
  candidate: BuildRecord,
  request: CachedRequest,
  warnings: string[],
): Promise<{ baseline: BenchmarkRecord[]; candidate: BenchmarkRecord[]; testbedHash: string }> {
  const { benchmarks } = workspace.registry;
  const newestCandidate = await benchmarks.latest(candidate.buildId);
  if (!newestCandidate) throw noBenchmark(candidate);
  const testbedHash = newestCandidate.testbedHash;
  const candidateSide = await benchmarks.forBuild(candidate.buildId, {
    testbedHash,
    limit: storedLimit,
  });

  let baselineSide = await benchmarks.forBuild(baseline.buildId, {
    testbedHash,
    limit: storedLimit,
  });
  if (baselineSide.length === 0) {
    const elsewhere = await benchmarks.forBuild(baseline.buildId, { limit: storedLimit });
    if (elsewhere.length === 0) throw noBenchmark(baseline);
    if (!request.allowTestbedMismatch) {
      throw new UsageError(
        "TESTBED_MISMATCH",
        "The stored benchmarks of the baseline come from testbed " +
          `${elsewhere[0].testbedHash.slice(0, 12)}, ` +
          `the candidate's from ${testbedHash.slice(0, 12)}: their latencies are not comparable`,
        {
          hint:
            "Drop --use-cached to measure both here, benchmark the baseline on this testbed, " +
            "or pass --allow-testbed-mismatch to compare anyway.",
        },
      );
    }
    warnings.push("comparing benchmarks from different testbeds (--allow-testbed-mismatch)");
    baselineSide = elsewhere;
  }
  return { baseline: baselineSide, candidate: candidateSide, testbedHash };
}

function valuesOf(record: BenchmarkRecord): ProcessValues {
  const memoryMb = headlineOf(record.summary)?.model_memory_mb ?? null;
  const batch = Number(record.config.batch ?? 1) || 1;
  return {
    samplesMs: Array.from(record.samples),
    memoryBytes: memoryMb === null ? Number.NaN : memoryMb * 1024 * 1024,
    batch,
  };
}

interface LogInterval {
  logRatio: number;
  lower: number;
  upper: number;
  replications: number;
  method: string;
}

function welchInterval(baseline: number[], candidate: number[], confidence: number): LogInterval {
  const stats = (values: number[]) => {
    const logs = values.map(Math.log);
    const mean = logs.reduce((sum, value) => sum + value, 0) / logs.length;
    const variance = logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (logs.length - 1);
    return { mean, varianceOfMean: variance / logs.length, n: logs.length };
  };
  const b = stats(baseline);
  const c = stats(candidate);
  const standardError = Math.sqrt(b.varianceOfMean + c.varianceOfMean);
  // Welch-Satterthwaite degrees of freedom.
  const df =
    standardError ** 4 /
    (b.varianceOfMean ** 2 / (b.n - 1) + c.varianceOfMean ** 2 / (c.n - 1) || 1e-300);
  const half = studentTQuantile(1 - (1 - confidence) / 2, Math.max(1, df)) * standardError;
  const logRatio = c.mean - b.mean;
  return {
    logRatio,
    lower: logRatio - half,
    upper: logRatio + half,
    replications: Math.min(b.n, c.n),
    method: "stored benchmarks as replications; Welch's t interval on mean log-statistics",
  };
}

function bootstrapRatio(
  baseline: ProcessValues,
  candidate: ProcessValues,
  statistic: (values: ProcessValues) => number,
  confidence: number,
  seed: number,
): LogInterval {
  const rng = createRng(seed);
  const logRatio = Math.log(statistic(candidate) / statistic(baseline));
  const draws = sortAscending(
    Array.from({ length: 2000 }, () => {
      const b = statistic({ ...baseline, samplesMs: resample(baseline.samplesMs, rng) });
      const c = statistic({ ...candidate, samplesMs: resample(candidate.samplesMs, rng) });
      return Math.log(c / b);
    }),
  );
  const tail = (1 - confidence) / 2;
  return {
    logRatio,
    lower: quantileSorted(draws, tail),
    upper: quantileSorted(draws, 1 - tail),
    replications: 1,
    method: "one stored benchmark per side; two-sample percentile bootstrap of the ratio",
  };
}

function verdictOf(interval: LogInterval, thresholdPct: number, higherIsBetter: boolean): Verdict {
  const threshold = Math.log(1 + thresholdPct / 100);
  const up = interval.lower > 0 && interval.logRatio > threshold;
  const down = interval.upper < 0 && interval.logRatio < -threshold;
  if (up) return higherIsBetter ? "improvement" : "regression";
  if (down) return higherIsBetter ? "regression" : "improvement";
  if (interval.lower > -threshold && interval.upper < threshold) return "no-change";
  return "inconclusive";
}

export async function compareCached(
  workspace: Workspace,
  baseline: BuildRecord,
  candidate: BuildRecord,
  request: CachedRequest,
  warnings: string[],
): Promise<{ metrics: MetricComparison[]; testbedHash: string | null }> {
  const stored = await storedPairs(workspace, baseline, candidate, request, warnings);
  const confidence = 1 - (request.alpha ?? 0.05);
  const baselineValues = stored.baseline.map(valuesOf);
  const candidateValues = stored.candidate.map(valuesOf);
  const replicated = baselineValues.length >= 2 && candidateValues.length >= 2;
  if (!replicated) {
    warnings.push(
      "one stored benchmark per side: the interval covers sample noise only, not the " +
        "process-to-process noise; drop --use-cached for a paired measurement",
    );
  }

  const metrics: MetricComparison[] = [];
  for (const metric of measuredMetricNames) {
    const definition = metricDefinitions[metric];
    const statistic = definition.perProcess as (values: ProcessValues) => number;
    const baselineStats = baselineValues.map(statistic);
    const candidateStats = candidateValues.map(statistic);
    if ([...baselineStats, ...candidateStats].some((value) => !(value > 0))) continue;

    const interval = replicated
      ? welchInterval(baselineStats, candidateStats, confidence)
      : bootstrapRatio(
          baselineValues[0],
          candidateValues[0],
          statistic,
          confidence,
          request.seed ?? 1,
        );
    const geometric = (values: number[]) =>
      Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
    metrics.push({
      metric,
      unit: definition.unit,
      direction: definition.direction,
      baseline: geometric(baselineStats),
      candidate: geometric(candidateStats),
      change_pct: (Math.exp(interval.logRatio) - 1) * 100,
      interval_pct: [(Math.exp(interval.lower) - 1) * 100, (Math.exp(interval.upper) - 1) * 100],
      confidence,
      threshold_pct: request.thresholdPct,
      verdict: verdictOf(
        interval,
        request.thresholdPct,
        definition.direction === "higher-is-better",
      ),
      method: interval.method,
      replications: interval.replications,
    });
  }
  return { metrics, testbedHash: stored.testbedHash };
}
