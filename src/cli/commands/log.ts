import type { Command } from "commander";
import { action } from "../context.js";
import { positiveInteger } from "../parse.js";
import { formatBytes, renderTable, shortId } from "../table.js";

export function registerLog(program: Command): void {
  program
    .command("log")
    .description("list builds, newest first")
    .option("-n, --limit <n>", "show at most N builds", positiveInteger, 20)
    .action(
      action(async (context, options: { limit: number }) => {
        const { listBuildEntries } = await import("../../build/history.js");
        const workspace = await context.workspace();
        const entries = await listBuildEntries(workspace.registry, { limit: options.limit });
        context.output.result(entries, () => {
          if (entries.length === 0) return "No builds yet: run `mlbuild build --model FILE`.";
          const rows = entries.map((entry) => [
            shortId(entry.build_id),
            entry.name ?? "",
            entry.target,
            entry.quantization,
            formatBytes(entry.size_bytes),
            entry.latest_benchmark ? `${entry.latest_benchmark.p50_ms.toFixed(3)} ms` : "-",
            entry.tags.join(","),
            entry.created_at.replace("T", " ").slice(0, 19),
          ]);
          return renderTable(
            ["BUILD", "NAME", "TARGET", "QUANT", "SIZE", "P50", "TAGS", "CREATED"],
            rows,
            { align: ["left", "left", "left", "left", "right", "right"] },
          );
        });
        return 0;
      }),
    );
}
