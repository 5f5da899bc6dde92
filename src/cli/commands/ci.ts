import type { Command } from "commander";
import type { GateRow, Report } from "../../report/types.js";
import { action } from "../context.js";
import type { Output } from "../output.js";
import { renderTable } from "../table.js";

interface CiFlags {
  config?: string;
}

function render(output: Output, report: Report, rows: GateRow[], files: string[]): string {
  const paint = (verdict: string, failing: boolean) =>
    failing
      ? output.colors.red(verdict)
      : ["pass", "no-change", "improvement"].includes(verdict)
        ? output.colors.green(verdict)
        : output.colors.yellow(verdict);
  const table = renderTable(
    ["MODEL", "GATE", "REQUIREMENT", "VALUE", "INTERVAL", "VERDICT"],
    rows.map((row) => [
      row.entry,
      row.gate,
      row.requirement,
      row.value,
      row.interval,
      paint(row.verdict, row.failing),
    ]),
  );
  const errors = report.entries.flatMap((entry) =>
    entry.error
      ? [
          `  ${entry.label}: ${entry.error.message}` +
            (entry.error.hint ? ` (${entry.error.hint})` : ""),
        ]
      : [],
  );
  const verdict = { 0: "pass", 1: "fail", 2: "bad input", 3: "inconclusive", 4: "error" }[
    report.exit_code
  ];
  return [
    report.title,
    "",
    rows.length > 0 ? table : "(no gates configured: add limits or a baseline)",
    ...errors,
    "",
    `Result: ${verdict ?? report.exit_code} (exit ${report.exit_code})`,
    ...files.map((file) => `  wrote ${file}`),
  ].join("\n");
}

export function registerCi(program: Command): void {
  program
    .command("ci")
    .description("the whole gate from a config file: build, benchmark, validate, compare, report")
    .option(
      "--config <file>",
      "mlbuild.config.yaml|yml|json, or package.json with an `mlbuild` key (found by default)",
    )
    .action(
      action(async (context, flags: CiFlags) => {
        const { loadConfig } = await import("../../ci/config.js");
        const { runCi } = await import("../../ci/pipeline.js");
        const { annotations, writeGithubFiles } = await import("../../ci/github.js");
        const { writeReportFiles } = await import("../../ci/outputs.js");
        const { renderMarkdown } = await import("../../report/markdown.js");
        const { gateRows } = await import("../../report/rows.js");
        const { initWorkspace } = await import("../../workspace.js");

        // The config is checked before anything is created, so bad input leaves no trace.
        const loaded = await loadConfig(flags.config);
        const { workspace } = await initWorkspace(context.workspaceOptions);
        context.adopt(workspace);
        const report = await runCi(workspace, loaded, {
          onProgress: (message) => context.output.info(message),
        });

        const jsonFile = loaded.config.outputs.json;
        report.warnings.push(
          ...(await writeGithubFiles(renderMarkdown(report), {
            "exit-code": String(report.exit_code),
            "report-json": jsonFile,
          })),
        );
        const written = await writeReportFiles(report, loaded.config.outputs);
        for (const warning of [...report.warnings, ...written.warnings]) {
          context.output.warn(warning);
        }

        // With --json stdout must hold exactly one JSON document, so annotations go to stderr
        // (the Actions runner reads workflow commands there too); they are in the report as well.
        const lines = annotations(report);
        const stream = context.output.json ? process.stderr : process.stdout;
        for (const line of lines) stream.write(`${line}\n`);

        const files = Object.values(written.files);
        context.output.result(report, () =>
          render(context.output, report, gateRows(report), files),
        );
        return report.exit_code;
      }),
    );
}
