import type { Command } from "commander";
import type { HistoryMetric } from "../../report/history.js";
import type { MetricHistory } from "../../report/types.js";
import { action } from "../context.js";
import type { Output } from "../output.js";
import { oneOf } from "../parse.js";
import { renderTable, shortId } from "../table.js";

const metrics = ["p50", "p95", "p99", "mean", "throughput", "memory", "size"] as const;

function formatValue(value: number | null): string {
  if (value === null) return "-";
  return value >= 100 ? value.toFixed(1) : value >= 10 ? value.toFixed(2) : value.toPrecision(3);
}

function render(output: Output, history: MetricHistory): string {
  const rows = history.points.map((point, index) => [
    String(index + 1),
    shortId(point.build_id),
    point.name ?? "",
    point.at.replace("T", " ").slice(0, 19),
    formatValue(point.value),
    point.change_point ? output.colors.yellow("◆ level changed") : "",
  ]);
  const subject =
    history.kind === "tag" ? `tag ${history.subject}` : `builds named ${history.subject}`;
  const lines = [
    `${history.metric} (${history.unit}) across ${subject}, oldest first`,
    "",
    renderTable(["#", "BUILD", "NAME", "AT", history.metric.toUpperCase(), ""], rows, {
      align: ["right", "left", "left", "left", "right", "left"],
    }),
    "",
    `${history.change_points.length} change point${history.change_points.length === 1 ? "" : "s"}` +
      `; method: ${history.method}`,
  ];
  if (history.points.some((point) => point.value === null)) {
    lines.push("  - : the build has no stored benchmark (run `mlbuild benchmark BUILD`)");
  }
  return lines.join("\n");
}

export function registerHistory(program: Command): void {
  program
    .command("history")
    .description("a metric's trend across builds, with change points flagged")
    .argument("<ref>", "a tag (the builds it pointed at) or a build (builds of the same name)")
    .option("--metric <metric>", metrics.join("|"), oneOf(metrics), "p95")
    .action(
      action(async (context, reference: string, options: { metric: HistoryMetric }) => {
        const { metricHistory } = await import("../../report/history.js");
        const workspace = await context.workspace();
        const history = await metricHistory(workspace.registry, reference, options.metric);
        context.output.result(history, () => render(context.output, history));
        return 0;
      }),
    );
}
