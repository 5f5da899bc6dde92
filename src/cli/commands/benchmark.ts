import type { Command } from "commander";
import type { BenchmarkResult } from "../../bench/benchmark.js";
import type { PercentileEstimate } from "../../bench/summary.js";
import type { BenchmarkProgress } from "../../runtime/benchmark-child.js";
import { action } from "../context.js";
import { addFeedOptions } from "../gate-options.js";
import type { Output } from "../output.js";
import { duration, nonNegativeInteger, positiveInteger, positiveNumber } from "../parse.js";
import { shortId } from "../table.js";

interface BenchmarkFlags {
  runs?: number;
  warmup: number;
  duration?: number;
  batch?: number;
  shape: string[];
  inputs?: string;
  concurrency: number;
  threads?: number;
  timeout: number;
  seed: number;
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 3 : 2)} ms`;
}

function interval(estimate: PercentileEstimate): string {
  if (estimate.ci_low_ms === null || estimate.ci_high_ms === null)
    return "[no 95% CI: too few samples]";
  return `[${ms(estimate.ci_low_ms)} … ${ms(estimate.ci_high_ms)}]`;
}

function render(result: BenchmarkResult, output: Output): string {
  const { summary, config } = result;
  const { latency, headline } = summary;
  const bold = output.colors.bold;
  const dim = output.colors.dim;
  const percentileLines = (["p50", "p95", "p99"] as const).map((key) => {
    const estimate = latency.percentiles[key];
    const gate = estimate.enough_to_gate ? "" : dim("  not enough samples to gate on");
    return `  ${key.padEnd(20)}${ms(estimate.value_ms).padStart(11)}  ${interval(estimate)}${gate}`;
  });
  const raised =
    typeof config.runs === "number" && headline.runs > config.runs
      ? ` (raised from --runs ${config.runs} for the percentiles)`
      : "";
  const cold = summary.cold_start_ms;
  // With several lanes the model's share is every lane's session together.
  const sessions = summary.memory.sessions > 1 ? ` (${summary.memory.sessions} sessions)` : "";
  return [
    `${bold("Benchmark")} ${shortId(result.build_id)} on ${result.target}`,
    `  Time (${bold("mean")} ± ${bold("σ")}):${ms(latency.mean_ms).padStart(15)} ` +
      `± ${ms(latency.stddev_ms)}    [CV ${(latency.cv * 100).toFixed(1)}%]`,
    `  Range (min … max):${ms(latency.min_ms).padStart(14)} … ${ms(latency.max_ms)}` +
      `    ${headline.runs} runs${raised}, ${summary.warmup.count} warm-up, ` +
      `stopped by ${summary.stopped_by}`,
    ...percentileLines,
    `  Throughput:         ${summary.throughput.inferences_per_s.toFixed(1)} ` +
      `inferences/s, ${summary.throughput.samples_per_s.toFixed(1)} samples/s ` +
      `(batch ${summary.throughput.batch}, concurrency ${summary.throughput.concurrency})`,
    `  Memory:             peak ${summary.memory.peak_rss_mb.toFixed(1)} MiB, ` +
      `model ${summary.memory.model_mb.toFixed(1)} MiB${sessions}`,
    `  Cold start:         session ${ms(cold.session_creation)}, first ` +
      `inference ${ms(cold.first_inference)} (process ${ms(cold.process_start)}, ` +
      `runtime ${ms(cold.runtime_load)})`,
    `  Outliers:           ${summary.outliers.mild} mild, ${summary.outliers.extreme} ` +
      `extreme (Tukey's fences; kept)`,
    dim(
      `  benchmark ${result.benchmark_id.slice(0, 12)}, ` +
        `testbed ${result.testbed.testbed_hash.slice(0, 12)}`,
    ),
  ].join("\n");
}

function progressLine(progress: BenchmarkProgress): string {
  if (progress.phase === "loading") return "Loading the runtime and the model…";
  if (progress.total === undefined) return `${progress.phase}: ${progress.done} runs`;
  const width = 30;
  const filled = Math.min(width, Math.round((progress.done / progress.total) * width));
  return (
    `${progress.phase.padEnd(9)} ` +
    `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${progress.done}/${progress.total}`
  );
}

/** The `--json` document: the result with its samples, versioned by `schema`. */
function jsonDocument(result: BenchmarkResult): Record<string, unknown> {
  const { samples, warmupSamples, ...rest } = result;
  return { ...rest, samples_ms: Array.from(samples), warmup_samples_ms: Array.from(warmupSamples) };
}

export function registerBenchmark(program: Command): void {
  const command = program
    .command("benchmark")
    .description("measure a build's latency, throughput and memory in a fresh process")
    .argument("<ref>", "a tag, a build ID or a unique prefix of one")
    .option(
      "--runs <n>",
      "steady-state runs (default 100; unlimited with --duration alone)",
      positiveInteger,
    )
    .option("--warmup <n>", "warm-up runs, kept apart", nonNegativeInteger, 20)
    .option("--duration <time>", "stop after this long (10s, 500ms, 2m), or at --runs", duration);
  addFeedOptions(command)
    .option("--concurrency <n>", "runs kept in flight at once", positiveInteger, 1)
    .option("--timeout <seconds>", "stop the measurement after this long", positiveNumber, 600)
    .action(
      action(async (context, reference: string, flags: BenchmarkFlags) => {
        const { runBenchmark } = await import("../../bench/benchmark.js");
        const workspace = await context.workspace();
        const build = await workspace.registry.resolve(reference);
        const result = await runBenchmark(workspace, build, {
          runs: flags.runs,
          warmup: flags.warmup,
          durationSeconds: flags.duration,
          batch: flags.batch,
          shapes: flags.shape,
          inputsDir: flags.inputs,
          concurrency: flags.concurrency,
          threads: flags.threads,
          timeoutSeconds: flags.timeout,
          seed: flags.seed,
          onProgress: (progress) => context.output.progress(progressLine(progress)),
        });
        context.output.clearProgress();
        context.output.result(jsonDocument(result), () => render(result, context.output));
        for (const warning of result.summary.warnings) context.output.warn(warning);
        return 0;
      }),
    );
}
