import type { Command } from "commander";
import type { LimitCheck, ValidateResult } from "../../gates/types.js";
import { action } from "../context.js";
import { addInputOptions, type InputFlags, inputChoiceOf, measurementOf } from "../gate-options.js";
import type { Output } from "../output.js";
import { duration, nonNegativeNumber, oneOf } from "../parse.js";
import { renderTable, shortId } from "../table.js";

const policies = ["pass", "fail"] as const;

/** Flag name (as commander camel-cases it) → the gate it sets. */
const limitFlags: Record<string, string> = {
  maxLatency: "max-latency",
  maxP95: "max-p95",
  maxP99: "max-p99",
  maxMemory: "max-memory",
  minThroughput: "min-throughput",
  maxSize: "max-size",
  maxError: "max-error",
  minCosine: "min-cosine",
  minTop1: "min-top1",
};

interface ValidateOptions extends Record<string, unknown>, InputFlags {
  limits?: string;
  config?: string;
  budget: number;
  useCached?: boolean;
  onInconclusive?: "pass" | "fail";
  ci?: boolean;
}

function formatNumber(value: number | null): string {
  if (value === null) return "-";
  return value >= 100 ? value.toFixed(1) : value >= 10 ? value.toFixed(2) : value.toPrecision(3);
}

function row(output: Output, check: LimitCheck): string[] {
  const { colors } = output;
  const paint = {
    pass: colors.green,
    fail: check.severity === "error" ? colors.red : colors.yellow,
    inconclusive: colors.yellow,
    "not-measured": colors.yellow,
  }[check.status];
  const unit = check.unit ? ` ${check.unit}` : "";
  return [
    check.gate,
    `${check.kind === "max" ? "≤" : "≥"} ${check.limit}${unit}`,
    `${formatNumber(check.estimate)}${check.estimate === null ? "" : unit}`,
    check.interval
      ? `[${formatNumber(check.interval[0])}, ${formatNumber(check.interval[1])}]`
      : "-",
    check.severity,
    paint(check.status),
  ];
}

export function renderValidation(output: Output, result: ValidateResult): string {
  const table = renderTable(
    ["GATE", "LIMIT", "ESTIMATE", "INTERVAL", "SEVERITY", "STATUS"],
    result.checks.map((check) => row(output, check)),
    { align: ["left", "right", "right", "right", "left", "left"] },
  );
  const details = result.checks
    .filter((check) => check.status !== "pass")
    .map((check) => `  ${check.gate}: ${check.message}`);
  const benchmark = result.benchmark_id ? shortId(result.benchmark_id) : "-";
  const source = {
    fresh: `measured now, stored as benchmark ${benchmark}`,
    cached: `stored benchmark ${benchmark}`,
    none: "exact limits only, nothing measured",
  }[result.source ?? (result.benchmark_id ? "cached" : "none")];
  return [
    `validate ${shortId(result.build_id)} (${source})`,
    "",
    table,
    "",
    `Result: ${result.status}`,
    ...details,
  ].join("\n");
}

export function registerValidate(program: Command): void {
  const command = program
    .command("validate")
    .description("check a build against absolute limits, decided by confidence intervals")
    .argument("<ref>", "a tag, a build ID or a unique prefix")
    .option("--max-latency <ms>", "p50 latency limit, ms", nonNegativeNumber)
    .option("--max-p95 <ms>", "p95 latency limit, ms", nonNegativeNumber)
    .option("--max-p99 <ms>", "p99 latency limit, ms", nonNegativeNumber)
    .option("--max-memory <mb>", "the model's memory limit, MB", nonNegativeNumber)
    .option("--min-throughput <n>", "inferences per second, at least", nonNegativeNumber)
    .option("--max-size <mb>", "artifact size limit, MB", nonNegativeNumber)
    .option("--max-error <e>", "max absolute error against the source model", nonNegativeNumber)
    .option(
      "--min-cosine <c>",
      "cosine similarity against the source model, at least",
      nonNegativeNumber,
    )
    .option("--min-top1 <a>", "top-1 agreement with the source model, at least", nonNegativeNumber)
    .option("--limits <file>", "limits file (YAML or JSON) with severities error|warn")
    .option("--config <file>", "the same as --limits: a config file with a `limits` section")
    .option(
      "--budget <duration>",
      "time to spend measuring before giving up (60s, 2m)",
      duration,
      60,
    )
    .option("--use-cached", "use the latest stored benchmark of this testbed")
    .option(
      "--on-inconclusive <policy>",
      "pass|fail instead of exit 3 when undecided",
      oneOf(policies),
    )
    .option("--ci", "plain, stable output for CI logs");
  addInputOptions(command).action(
    action(async (context, reference: string, options: ValidateOptions) => {
      const { readLimitsFile, mergeLimits } = await import("../../gates/limits.js");
      const { validateBuild } = await import("../../gates/validate.js");
      const file = options.limits ?? options.config;
      const fromFile = file ? await readLimitsFile(file) : [];
      const fromFlags: Record<string, number> = {};
      for (const [flag, gate] of Object.entries(limitFlags)) {
        if (typeof options[flag] === "number") fromFlags[gate] = options[flag] as number;
      }
      const workspace = await context.workspace();
      const result = await validateBuild(workspace, {
        ref: reference,
        limits: mergeLimits(fromFile, fromFlags),
        budgetSeconds: options.budget,
        useCached: options.useCached,
        onInconclusive: options.onInconclusive,
        inputs: inputChoiceOf(options),
        measurement: measurementOf(options),
        onProgress: options.ci ? undefined : (message) => context.output.progress(message),
      });
      context.output.clearProgress();
      context.output.result(result, () => renderValidation(context.output, result));
      return result.exit_code;
    }),
  );
}
