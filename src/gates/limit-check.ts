/**
 * One limit against one estimate. Decided by the confidence interval (PRODUCT.md): a `max`
 * limit passes when the whole interval lies under it and fails when the whole interval lies
 * over it; anything else needs more measurement. Exact values (size, recorded accuracy) need
 * no interval, and a value that was never measured is `not-measured`, never a pass.
 */
import { estimateRatio } from "../stats/ratio.js";
import type { Limit } from "./limits.js";
import type { CheckStatus, LimitCheck } from "./types.js";

export interface Estimate {
  value: number;
  interval: [number, number] | null;
}

/**
 * Geometric mean of per-process values with the back-transformed Student t interval of the
 * mean log-value: the process is the unit of replication, as in `compare`.
 */
export function perProcessEstimate(values: readonly number[], confidence: number): Estimate {
  const estimate = estimateRatio(values, confidence);
  if (estimate.lowerChange === undefined || estimate.upperChange === undefined) {
    return { value: estimate.ratio, interval: null };
  }
  return {
    value: estimate.ratio,
    interval: [1 + estimate.lowerChange, 1 + estimate.upperChange],
  };
}

function statusOf(limit: Limit, estimate: Estimate | null, exact: boolean): CheckStatus {
  if (estimate === null || !Number.isFinite(estimate.value)) return "not-measured";
  const [lower, upper] = exact
    ? [estimate.value, estimate.value]
    : (estimate.interval ?? [-Infinity, Infinity]);
  const under = upper <= limit.value;
  const over = lower > limit.value;
  if (limit.gate.kind === "max") return under ? "pass" : over ? "fail" : "inconclusive";
  return lower >= limit.value ? "pass" : upper < limit.value ? "fail" : "inconclusive";
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}

function messageOf(limit: Limit, status: CheckStatus, estimate: Estimate | null): string {
  const { gate } = limit;
  const unit = gate.unit ? ` ${gate.unit}` : "";
  const bound = `${gate.kind === "max" ? "≤" : "≥"} ${format(limit.value)}${unit}`;
  if (status === "not-measured") {
    return gate.source === "accuracy"
      ? `${gate.metric} was not recorded for this build (build with --quantize to check accuracy)`
      : `${gate.metric} was not measured`;
  }
  const shown = estimate ? format(estimate.value) : "?";
  const interval = estimate?.interval
    ? ` [${format(estimate.interval[0])}, ${format(estimate.interval[1])}]`
    : "";
  const verdict = {
    pass: "within the limit",
    fail: "beyond the limit",
    inconclusive: "the interval straddles the limit",
  }[status];
  return `${gate.metric} ${shown}${interval} vs ${bound}: ${verdict}`;
}

export function checkLimit(limit: Limit, estimate: Estimate | null, exact: boolean): LimitCheck {
  const status = statusOf(limit, estimate, exact);
  return {
    gate: limit.gate.gate,
    metric: limit.gate.metric,
    unit: limit.gate.unit,
    kind: limit.gate.kind,
    limit: limit.value,
    severity: limit.severity,
    estimate: estimate && Number.isFinite(estimate.value) ? estimate.value : null,
    interval: exact ? null : (estimate?.interval ?? null),
    status,
    message: messageOf(limit, status, estimate),
  };
}

/**
 * Overall status: a failed error-severity check fails; one left undecided (or unmeasured) is
 * inconclusive.
 */
export function overallStatus(checks: readonly LimitCheck[]): "pass" | "fail" | "inconclusive" {
  const gating = checks.filter((check) => check.severity === "error");
  if (gating.some((check) => check.status === "fail")) return "fail";
  if (gating.some((check) => check.status !== "pass")) return "inconclusive";
  return "pass";
}
