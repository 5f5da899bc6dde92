/**
 * `validate --use-cached`: estimates from the latest stored benchmark of this testbed. A stored
 * benchmark is one process, so its intervals see sample noise only: percentiles get the
 * distribution-free order-statistic interval (src/stats/percentile-ci.ts), the mean a BCa
 * bootstrap; memory is the recorded figure with no interval.
 */
import { headlineOf } from "../build/history.js";
import { UsageError } from "../errors.js";
import type { BuildRecord } from "../registry/records.js";
import type { Target } from "../runtime/targets.js";
import { bootstrapInterval } from "../stats/bootstrap.js";
import { mean } from "../stats/descriptive.js";
import { quantileConfidenceInterval } from "../stats/percentile-ci.js";
import type { Workspace } from "../workspace.js";
import type { Estimate } from "./limit-check.js";
import type { Limit } from "./limits.js";

const percentiles: Record<string, number> = { p50: 0.5, p95: 0.95, p99: 0.99 };

export interface CachedEstimates {
  benchmarkId: string;
  estimates: Map<string, Estimate>;
}

export async function cachedEstimates(
  workspace: Workspace,
  build: BuildRecord,
  target: Target,
  limits: readonly Limit[],
  confidence: number,
): Promise<CachedEstimates> {
  const { describeTestbed } = await import("../bench/testbed.js");
  const testbedHash = describeTestbed(target).testbed_hash;
  const id = build.buildId.slice(0, 12);
  const stored = await workspace.registry.benchmarks.latest(build.buildId, { testbedHash });
  if (!stored) {
    const elsewhere = await workspace.registry.benchmarks.latest(build.buildId);
    throw new UsageError(
      "BENCHMARK_NONE",
      elsewhere
        ? `Build ${id} has stored benchmarks only from other testbeds, none from this one`
        : `Build ${id} has no stored benchmark`,
      {
        hint: `Run \`mlbuild benchmark ${id}\` here first, or drop --use-cached to measure afresh.`,
      },
    );
  }

  const samples = Array.from(stored.samples);
  // The batch the benchmark counted samples with (config.batch is only the --batch flag).
  const throughput = (stored.summary as { throughput?: { batch?: unknown } }).throughput;
  const batch = Number(throughput?.batch ?? stored.config.batch ?? 1) || 1;
  const estimates = new Map<string, Estimate>();
  for (const limit of limits) {
    const metric = limit.gate.metric;
    if (metric in percentiles) {
      const interval = quantileConfidenceInterval(samples, percentiles[metric], confidence);
      const bounds: [number, number] | null =
        interval.lower === undefined || interval.upper === undefined
          ? null
          : [interval.lower, interval.upper];
      estimates.set(metric, { value: interval.estimate, interval: bounds });
    } else if (metric === "throughput" && samples.length > 0) {
      const interval = bootstrapInterval(samples, mean, { confidence });
      const toThroughput = (ms: number) => (1000 * batch) / ms;
      estimates.set(metric, {
        value: toThroughput(interval.estimate),
        interval: [toThroughput(interval.upper), toThroughput(interval.lower)],
      });
    } else if (metric === "memory") {
      const memory = headlineOf(stored.summary)?.model_memory_mb;
      if (typeof memory === "number")
        estimates.set(metric, { value: memory, interval: [memory, memory] });
    }
  }
  return { benchmarkId: stored.benchmarkId, estimates };
}
