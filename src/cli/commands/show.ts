import type { Command } from "commander";
import type { BuildDetails } from "../../build/describe.js";
import { formatAccuracy } from "../accuracy-text.js";
import { action } from "../context.js";
import { formatBytes } from "../table.js";

function render(details: BuildDetails): string {
  const lines = [
    `build ${details.build_id}`,
    `  name:         ${details.name ?? "-"}`,
    `  created:      ${details.created_at}`,
    `  source:       ${details.source}`,
    `  model hash:   ${details.model_hash}`,
    `  target:       ${details.target}`,
    `  quantization: ${details.quantization}   ` +
      `optimize: ${String(details.config.optimize ?? "none")}`,
    `  artifact:     ${details.artifact.hash.slice(0, 12)} ` +
      `(${formatBytes(details.artifact.size_bytes)}, ${details.artifact.location})`,
    `  toolchain:    ${Object.entries(details.toolchain)
      .filter(([, value]) => typeof value === "string")
      .map(([key, value]) => `${key} ${value}`)
      .join(", ")}`,
    `  tags:         ${details.tags.join(", ") || "-"}`,
  ];
  if (details.notes) lines.push(`  notes:        ${details.notes}`);
  const bench = details.latest_benchmark;
  lines.push(
    bench
      ? `  benchmark:    p50 ${bench.p50_ms.toFixed(3)} ms, p95 ${bench.p95_ms.toFixed(3)} ms, ` +
          `p99 ${bench.p99_ms.toFixed(3)} ms, ${bench.throughput_per_s.toFixed(1)} inferences/s ` +
          `(${bench.runs} runs; ${details.benchmark_count} stored)`
      : "  benchmark:    none yet (run `mlbuild benchmark REF`)",
  );
  if (details.accuracy) lines.push(`  accuracy:     ${formatAccuracy(details.accuracy)}`);
  const runs = details.runs.map(
    (run) =>
      `${run.run_id.slice(0, 12)} ` +
      `(${run.experiment}${run.name ? `/${run.name}` : ""}, ${run.status})`,
  );
  lines.push(`  runs:         ${runs.join(", ") || "-"}`);
  return lines.join("\n");
}

export function registerShow(program: Command): void {
  program
    .command("show")
    .description("show one build in full")
    .argument("<ref>", "a tag, a build ID or a unique prefix of one")
    .action(
      action(async (context, reference: string) => {
        const { describeBuild } = await import("../../build/describe.js");
        const workspace = await context.workspace();
        const build = await workspace.registry.resolve(reference);
        const details = await describeBuild(workspace.registry, build);
        context.output.result(details, () => render(details));
        return 0;
      }),
    );
}
