import type { Command } from "commander";
import type { BuildDiff, ValueChange } from "../../build/diff.js";
import { action } from "../context.js";
import { formatBytes, renderTable, shortId } from "../table.js";

function section(title: string, entries: ValueChange[]): string[] {
  if (entries.length === 0) return [`${title}: same`];
  const rows = entries.map((entry) => [
    entry.field,
    JSON.stringify(entry.a),
    JSON.stringify(entry.b),
  ]);
  return [`${title}:`, renderTable(["FIELD", "A", "B"], rows, { indent: "  " })];
}

function signed(value: number | null): string {
  return value === null ? "n/a" : `${value >= 0 ? "+" : ""}${value.toFixed(1)}%`;
}

function render(diff: BuildDiff): string {
  const lines = [`A ${shortId(diff.a)}  ->  B ${shortId(diff.b)}`, ""];
  lines.push(...section("config", diff.config), ...section("inputs", diff.inputs));
  lines.push(...section("outputs", diff.outputs));
  if (diff.ops.length === 0) {
    lines.push("ops: same");
  } else {
    const rows = diff.ops.map((entry) => [entry.op, String(entry.a), String(entry.b)]);
    lines.push(
      "ops:",
      renderTable(["OP", "A", "B"], rows, { indent: "  ", align: ["left", "right", "right"] }),
    );
  }
  lines.push(
    `parameters: ${diff.parameters.a.toLocaleString("en-US")} ` +
      `-> ${diff.parameters.b.toLocaleString("en-US")} (${signed(diff.parameters.change_pct)})`,
    `size: ${formatBytes(diff.size.a)} -> ${formatBytes(diff.size.b)} ` +
      `(${signed(diff.size.change_pct)})`,
  );
  return lines.join("\n");
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description("config, signature, graph and size differences between two builds")
    .argument("<a>", "the first build")
    .argument("<b>", "the second build")
    .option("--profile", "also compare time per op type (profiles a build that has none)")
    .action(
      action(async (context, first: string, second: string, flags: { profile?: boolean }) => {
        const { diffBuilds } = await import("../../build/diff.js");
        const workspace = await context.workspace();
        const a = await workspace.registry.resolve(first);
        const b = await workspace.registry.resolve(second);
        const diff = diffBuilds(a, b);
        if (!flags.profile) {
          context.output.result(diff, () => render(diff));
          return 0;
        }
        const { diffProfiles } = await import("../../profile/op-type-diff.js");
        const { renderProfileDiff } = await import("../profile-text.js");
        const profile = await diffProfiles(workspace, a, b);
        context.output.result({ ...diff, profile }, () =>
          [render(diff), renderProfileDiff(profile)].join("\n"),
        );
        if (!profile.same_testbed) {
          context.output.warn(
            "the two profiles come from different testbeds; times may not compare",
          );
        }
        return 0;
      }),
    );
}
