/**
 * The metrics gates decide on, and how one measurement process turns into one value of each.
 * The process is the unit of replication: every latency metric is first reduced to one number
 * per process, and only those numbers are compared or checked against limits.
 */
import { mean, median, quantile } from "../stats/descriptive.js";

export const compareMetricNames = [
  "p50",
  "p95",
  "p99",
  "mean",
  "throughput",
  "memory",
  "size",
] as const;
export type CompareMetricName = (typeof compareMetricNames)[number];

export type Direction = "lower-is-better" | "higher-is-better";

export interface MetricDefinition {
  name: CompareMetricName;
  unit: string;
  direction: Direction;
  /** One value from one process's measurement of one model; undefined for `size`. */
  perProcess?: (measurement: ProcessValues) => number;
}

/** What one process measured for one model. */
export interface ProcessValues {
  samplesMs: readonly number[];
  memoryBytes: number;
  /** Inputs per inference (the batch), for throughput. */
  batch: number;
}

const megabyte = 1024 * 1024;

export const metricDefinitions: Record<CompareMetricName, MetricDefinition> = {
  p50: {
    name: "p50",
    unit: "ms",
    direction: "lower-is-better",
    perProcess: (values) => median(values.samplesMs),
  },
  p95: {
    name: "p95",
    unit: "ms",
    direction: "lower-is-better",
    perProcess: (values) => quantile(values.samplesMs, 0.95),
  },
  p99: {
    name: "p99",
    unit: "ms",
    direction: "lower-is-better",
    perProcess: (values) => quantile(values.samplesMs, 0.99),
  },
  mean: {
    name: "mean",
    unit: "ms",
    direction: "lower-is-better",
    perProcess: (values) => mean(values.samplesMs),
  },
  // Sequential single-request throughput: inferences per second at the measured latency.
  // TODO(concurrency): use the benchmark's concurrent throughput once `benchmark --concurrency`
  // records it per process.
  throughput: {
    name: "throughput",
    unit: "inferences/s",
    direction: "higher-is-better",
    perProcess: (values) => (1000 * values.batch) / mean(values.samplesMs),
  },
  // The model's share. validate (model alone): peak RSS minus the RSS once the runtime loaded,
  // as `benchmark`. compare (two sessions in one process): the RSS each session added while
  // created and warmed up, with a conservative verdict (see memory-verdict.ts).
  memory: {
    name: "memory",
    unit: "MB",
    direction: "lower-is-better",
    perProcess: (values) => Math.max(values.memoryBytes, 1) / megabyte,
  },
  size: { name: "size", unit: "MB", direction: "lower-is-better" },
};

export function isCompareMetric(name: string): name is CompareMetricName {
  return (compareMetricNames as readonly string[]).includes(name);
}

/** The metrics with one value per process, i.e. everything but the exact `size`. */
export const measuredMetricNames = compareMetricNames.filter(
  (name) => metricDefinitions[name].perProcess !== undefined,
);

export function bytesToMegabytes(bytes: number): number {
  return bytes / megabyte;
}
