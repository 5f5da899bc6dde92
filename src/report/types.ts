/**
 * What every report renders, whatever its format: one or more entries, each a candidate build
 * with its stored benchmark, and when there is one a baseline, the limits checked and the
 * comparison decided. `report`, `history` and `ci` fill it; markdown, html, junit and json draw it.
 */
import type { CompareResult, CompareSkipped, ValidateResult } from "../gates/types.js";

export const reportSchema = "mlbuild.report/v1";

export interface ReportBuild {
  build_id: string;
  name: string | null;
  notes: string | null;
  target: string;
  quantization: string;
  source: string;
  created_at: string;
}

/** A percentile with its 95% interval (null bounds: too few samples for one). */
export interface ReportPercentile {
  percentile: string;
  value_ms: number;
  ci_low_ms: number | null;
  ci_high_ms: number | null;
}

export interface OpTypeTime {
  op_type: string;
  mean_ms: number;
  share: number;
}

/** One build's stored measurement: the raw samples and what the benchmark summarised. */
export interface ReportBenchmark {
  build: ReportBuild;
  benchmark_id: string;
  created_at: string;
  testbed_hash: string;
  runs: number;
  mean_ms: number;
  throughput_per_s: number;
  model_memory_mb: number | null;
  percentiles: ReportPercentile[];
  /** Every steady-state latency, in run order. */
  samples_ms: number[];
  /** Time per op type from the latest stored profile, when the build was profiled. */
  op_types: OpTypeTime[] | null;
}

export interface HistoryPoint {
  build_id: string;
  name: string | null;
  /** When the build entered the series: the tag's move, or the build's creation. */
  at: string;
  value: number | null;
  change_point: boolean;
}

export interface MetricHistory {
  /** `tag` follows a tag's moves; `name` follows builds sharing a name. */
  kind: "tag" | "name";
  subject: string;
  metric: string;
  unit: string;
  points: HistoryPoint[];
  /** Build IDs where the metric's level stepped. */
  change_points: string[];
  method: string;
}

export interface ReportEntry {
  /** For people: model, target and quantization. */
  label: string;
  candidate: ReportBuild;
  /** Null when the entry was not benchmarked (reports of such builds are refused earlier). */
  candidate_benchmark: ReportBenchmark | null;
  baseline: ReportBuild | null;
  baseline_benchmark: ReportBenchmark | null;
  validation: ValidateResult | null;
  comparison: CompareResult | CompareSkipped | null;
  /** The metric the comparison gates on (the other compared metrics are context). */
  compare_metric: string | null;
  history: MetricHistory | null;
  /** A step that failed before the gates could run, e.g. a model that would not build. */
  error: { code: string; message: string; hint: string | null } | null;
}

export interface Report {
  schema: typeof reportSchema;
  title: string;
  generated_at: string;
  entries: ReportEntry[];
  /** 0 pass, 1 a gate failed, 3 undecided (after the inconclusive policy), 2/4 as PRODUCT.md. */
  exit_code: number;
  warnings: string[];
}

/** One row of the gate table: a limit check or the comparison, flattened for every format. */
export interface GateRow {
  entry: string;
  gate: string;
  metric: string;
  /** `≤ 10 ms`, `+5% threshold` */
  requirement: string;
  value: string;
  interval: string;
  /**
   * pass | fail | warn | inconclusive | not-measured | regression | improvement | no-change |
   * skipped
   */
  verdict: string;
  /** Whether this row fails the run. */
  failing: boolean;
  message: string;
}
