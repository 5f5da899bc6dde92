import { type Command, InvalidArgumentError } from "commander";
import type { CompareMetricName } from "../../gates/metrics.js";
import type { CompareResult, CompareSkipped, MetricComparison } from "../../gates/types.js";
import { action } from "../context.js";
import { addInputOptions, type InputFlags, inputChoiceOf, measurementOf } from "../gate-options.js";
import type { Output } from "../output.js";
import { duration, oneOf } from "../parse.js";
import { renderTable, shortId } from "../table.js";

const metricNames = ["p50", "p95", "p99", "mean", "throughput", "memory", "size"] as const;
const policies = ["pass", "fail"] as const;

interface CompareOptions extends InputFlags {
  threshold: number;
  metric: CompareMetricName;
  budget: number;
  useCached?: boolean;
  allowTestbedMismatch?: boolean;
  baselineMissing?: "pass" | "fail";
  onInconclusive?: "pass" | "fail";
  ci?: boolean;
}

/** A threshold in percent: a finite number above 0 (a typo such as -5 or NaN is bad usage). */
export function thresholdPercent(value: string): number {
  const parsed = Number(value.replace(/%$/, ""));
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError("expected a percentage greater than 0, such as 5.");
  }
  return parsed;
}

function formatValue(value: number, unit: string): string {
  const digits = value >= 100 ? 1 : value >= 10 ? 2 : 3;
  return `${value.toFixed(digits)} ${unit === "inferences/s" ? "/s" : unit}`;
}

function formatPercent(value: number): string {
  if (!Number.isFinite(value)) return "?";
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)}%`;
}

/** A build's short ID and name, as the table header shows them. */
function describeSide(side: { build_id: string; name: string | null }): string {
  return `${shortId(side.build_id)}${side.name ? `, ${side.name}` : ""}`;
}

function intervalText(comparison: MetricComparison): string {
  const [lower, upper] = comparison.interval_pct;
  if (comparison.confidence === 1) return "exact";
  return `[${formatPercent(lower)}, ${formatPercent(upper)}]`;
}

export function renderComparison(
  output: Output,
  result: CompareResult,
  gatedMetric: string,
): string {
  const { colors } = output;
  const paint = {
    regression: colors.red,
    improvement: colors.green,
    "no-change": (text: string) => text,
    inconclusive: colors.yellow,
  };
  const rows = result.metrics.map((comparison) => [
    comparison.metric === gatedMetric ? `${comparison.metric} *` : comparison.metric,
    formatValue(comparison.baseline, comparison.unit),
    formatValue(comparison.candidate, comparison.unit),
    formatPercent(comparison.change_pct),
    intervalText(comparison),
    paint[comparison.verdict](comparison.verdict),
  ]);
  const gated = result.metrics.find((comparison) => comparison.metric === gatedMetric);
  const confidence =
    gated && gated.confidence < 1 ? `${(gated.confidence * 100).toFixed(1)}% ` : "";
  const header = ["METRIC", "BASELINE", "CANDIDATE", "CHANGE", `${confidence}INTERVAL`, "VERDICT"];
  const lines = [
    `baseline  ${result.baseline.ref} (${describeSide(result.baseline)})`,
    `candidate ${result.candidate.ref} (${describeSide(result.candidate)})`,
    "",
    renderTable(header, rows, { align: ["left", "right", "right", "right", "right", "left"] }),
    "",
    `${paint[result.verdict](`Verdict on ${gatedMetric}: ${result.verdict}`)} ` +
      `(threshold ${gated?.threshold_pct ?? "?"}%, ${gated?.replications ?? 0} ` +
      `${result.source === "fresh" ? "paired processes" : "stored benchmarks per side"}, ` +
      `${result.duration_s.toFixed(1)} s)`,
    `  method: ${gated?.method ?? "-"}`,
    "  * the gated metric; the other rows are shown for context and do not set the exit code",
  ];
  for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
  return lines.join("\n");
}

export function registerCompare(program: Command): void {
  const command = program
    .command("compare")
    .description(
      "decide whether CANDIDATE regressed against BASELINE: measured afresh, interleaved",
    )
    .argument("<baseline>", "a tag (e.g. production), a build ID or a unique prefix")
    .argument("<candidate>", "a tag, a build ID or a unique prefix")
    .option("--threshold <pct>", "smallest change that matters, in percent", thresholdPercent, 5)
    .option("--metric <metric>", metricNames.join("|"), oneOf(metricNames), "p50")
    .option(
      "--budget <duration>",
      "time to spend measuring before giving up (60s, 2m)",
      duration,
      60,
    )
    .option("--use-cached", "decide from stored benchmarks instead of measuring")
    .option("--allow-testbed-mismatch", "with --use-cached, accept benchmarks from other testbeds")
    .option(
      "--baseline-missing <policy>",
      "pass|fail when the baseline does not exist",
      oneOf(policies),
    )
    .option(
      "--on-inconclusive <policy>",
      "pass|fail instead of exit 3 when undecided",
      oneOf(policies),
    )
    .option("--ci", "plain, stable output for CI logs; a missing baseline fails the gate");
  addInputOptions(command).action(
    action(async (context, baselineRef: string, candidateRef: string, options: CompareOptions) => {
      const { compareBuilds } = await import("../../gates/compare.js");
      const workspace = await context.workspace();
      const result = await compareBuilds(workspace, {
        baselineRef,
        candidateRef,
        metric: options.metric,
        thresholdPct: options.threshold,
        budgetSeconds: options.budget,
        useCached: options.useCached,
        allowTestbedMismatch: options.allowTestbedMismatch,
        baselineMissing: options.baselineMissing ?? (options.ci ? "fail" : undefined),
        onInconclusive: options.onInconclusive,
        inputs: inputChoiceOf(options),
        measurement: measurementOf(options),
        onProgress: options.ci ? undefined : (message) => context.output.progress(message),
      });
      context.output.clearProgress();
      if ("status" in result) return renderSkipped(context.output, result);
      context.output.result(result, () => renderComparison(context.output, result, options.metric));
      return result.exit_code;
    }),
  );
}

function renderSkipped(output: Output, result: CompareSkipped): number {
  output.result(result, () => `${output.colors.yellow("Skipped:")} ${result.message}`);
  return result.exit_code;
}
