/**
 * What `ci` leaves for GitHub Actions: the Markdown summary appended to $GITHUB_STEP_SUMMARY,
 * step outputs in $GITHUB_OUTPUT, and workflow-command annotations (`::error::`) for each gate
 * that did not pass. Files that cannot be written are warnings: the verdict is what the job is
 * for, and a read-only summary file must not turn a pass into a failure.
 */
import { appendFile } from "node:fs/promises";
import { gateRows } from "../report/rows.js";
import type { Report } from "../report/types.js";

/** Workflow-command escaping (the runner decodes %25, %0D, %0A, and in properties %3A, %2C). */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** One annotation line per gate that failed, warned or could not decide. */
export function annotations(report: Report): string[] {
  return gateRows(report).flatMap((row) => {
    const level = row.failing
      ? "error"
      : ["pass", "no-change", "improvement"].includes(row.verdict)
        ? null
        : "warning";
    if (!level) return [];
    const title = escapeProperty(`mlbuild ${row.gate}`);
    return [`::${level} title=${title}::${escapeData(`${row.entry}: ${row.message}`)}`];
  });
}

async function appendOrWarn(file: string, text: string, what: string): Promise<string | null> {
  try {
    await appendFile(file, text);
    return null;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return `could not write the ${what} to ${file} (${reason}); the gate's result is unchanged`;
  }
}

/** Appends the summary and the step outputs when GitHub asked for them; returns warnings. */
export async function writeGithubFiles(
  markdown: string,
  outputs: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const warnings: string[] = [];
  if (env.GITHUB_STEP_SUMMARY) {
    const warning = await appendOrWarn(env.GITHUB_STEP_SUMMARY, `${markdown}\n`, "job summary");
    if (warning) warnings.push(warning);
  }
  if (env.GITHUB_OUTPUT) {
    const lines = Object.entries(outputs).map(([key, value]) => `${key}=${value}\n`);
    const warning = await appendOrWarn(env.GITHUB_OUTPUT, lines.join(""), "step outputs");
    if (warning) warnings.push(warning);
  }
  return warnings;
}
