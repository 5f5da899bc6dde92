/**
 * The results that gates produce and reports render. `validate` checks absolute limits;
 * `compare` decides whether a candidate regressed against a baseline.
 */

export type Severity = "error" | "warn";

/** `not-measured` is never a pass: a limit that could not be checked says so. */
export type CheckStatus = "pass" | "fail" | "inconclusive" | "not-measured";

export interface LimitCheck {
  /** The flag or config key that set it, e.g. `max-p95`. */
  gate: string;
  /** What is measured, e.g. `p95`, `model_memory`, `size`, `max_abs_error`. */
  metric: string;
  unit: string;
  /** `max` limits fail above, `min` limits fail below. */
  kind: "max" | "min";
  limit: number;
  severity: Severity;
  estimate: number | null;
  /** The confidence interval of the estimate, when it has one (size has none: it is exact). */
  interval: [number, number] | null;
  status: CheckStatus;
  message: string;
}

export interface ValidateResult {
  build_id: string;
  /** The benchmark the limits were checked on: stored by this run (`fresh`) or read (`cached`). */
  benchmark_id: string | null;
  /** `fresh` (measured now), `cached` (`--use-cached`), `none` (only exact limits). */
  source?: "fresh" | "cached" | "none";
  checks: LimitCheck[];
  /** `fail` if an error-severity check failed; `inconclusive` if one could not decide. */
  status: "pass" | "fail" | "inconclusive";
  exit_code: number;
}

export type Verdict = "regression" | "improvement" | "no-change" | "inconclusive";

export interface MetricComparison {
  metric: string;
  unit: string;
  direction: "lower-is-better" | "higher-is-better";
  baseline: number;
  candidate: number;
  /** Relative change of the candidate against the baseline, in percent. */
  change_pct: number;
  /** Its confidence interval, in percent. */
  interval_pct: [number, number];
  confidence: number;
  threshold_pct: number;
  verdict: Verdict;
  /** The statistical method, named, for the report. */
  method: string;
  /** Independent replications behind the estimate (child processes, for latency). */
  replications: number;
}

export interface CompareResult {
  baseline: { build_id: string; name: string | null; ref: string };
  candidate: { build_id: string; name: string | null; ref: string };
  /** `fresh` (measured now, interleaved) or `cached` (stored benchmarks). */
  source: "fresh" | "cached";
  metrics: MetricComparison[];
  /** The verdict of the metric the gate is on (`--metric`). */
  verdict: Verdict;
  exit_code: number;
  duration_s: number;
  testbed_hash: string | null;
  warnings: string[];
}

/**
 * `compare` in CI when the baseline reference does not exist and `--baseline-missing pass` was
 * given: nothing was compared, and the result says so rather than posing as a verdict.
 */
export interface CompareSkipped {
  status: "baseline-missing";
  baseline: { build_id: null; ref: string };
  candidate: { build_id: string; name: string | null; ref: string };
  message: string;
  exit_code: number;
}
