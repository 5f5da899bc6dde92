import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { CompareMetricName } from "../../gates/metrics.js";
import type { ReportFormat } from "../../report/render.js";
import { action } from "../context.js";
import { oneOf, positiveNumber } from "../parse.js";

const formats = ["md", "html", "json", "junit"] as const;
const metrics = ["p50", "p95", "p99", "mean", "throughput", "memory", "size"] as const;

interface ReportOptions {
  format: ReportFormat;
  output?: string;
  metric: CompareMetricName;
  threshold: number;
  allowTestbedMismatch?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "render stored results: one REF's benchmark, or BASELINE CANDIDATE compared " +
        "(md, html, json, junit)",
    )
    .argument("<refs...>", "one build or tag; or a baseline and a candidate")
    .option("--format <format>", formats.join("|"), oneOf(formats), "md")
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .option(
      "--metric <metric>",
      `the compared and charted metric: ${metrics.join("|")}`,
      oneOf(metrics),
      "p50",
    )
    .option("--threshold <pct>", "smallest change that matters, in percent", positiveNumber, 5)
    .option("--allow-testbed-mismatch", "compare stored benchmarks from different testbeds")
    .action(
      action(async (context, references: string[], options: ReportOptions) => {
        if (references.length > 2) {
          throw new UsageError(
            "REPORT_REFS",
            `report takes one or two references, got ${references.length}`,
            {
              hint: "Give one REF for its benchmark, or BASELINE CANDIDATE for a comparison.",
            },
          );
        }
        const { buildReport, comparisonReport } = await import("../../report/assemble.js");
        const { renderReport } = await import("../../report/render.js");
        const workspace = await context.workspace();
        const report =
          references.length === 1
            ? await buildReport(workspace, references[0], options.metric)
            : await comparisonReport(workspace, references[0], references[1], {
                metric: options.metric,
                thresholdPct: options.threshold,
                allowTestbedMismatch: options.allowTestbedMismatch,
              });
        const text = await renderReport(report, options.format);

        if (options.output) {
          const { writeFile } = await import("node:fs/promises");
          await writeFile(options.output, text);
          context.output.result(
            { file: options.output, format: options.format, verdict_exit_code: report.exit_code },
            () => `Wrote ${options.format} report to ${options.output}`,
          );
        } else if (context.output.json) {
          context.output.result(report, () => "");
        } else {
          // The document is the result: on stdout, so it can be piped into a comment or a file.
          process.stdout.write(text);
        }
        // A report shows verdicts; it is not a gate, so it exits 0 (`ci` and `compare` gate).
        return 0;
      }),
    );
}
