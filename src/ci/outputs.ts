/** The report files a CI run writes, as the config's `outputs` names them. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ReportFormat, renderReport } from "../report/render.js";
import type { Report } from "../report/types.js";
import type { CiConfig } from "./schema.js";

export interface WrittenOutputs {
  files: Partial<Record<ReportFormat, string>>;
  warnings: string[];
}

const formatKeys: Array<[keyof CiConfig["outputs"], ReportFormat]> = [
  ["json", "json"],
  ["markdown", "md"],
  ["html", "html"],
  ["junit", "junit"],
];

export async function writeReportFiles(
  report: Report,
  outputs: CiConfig["outputs"],
  cwd = process.cwd(),
): Promise<WrittenOutputs> {
  const written: WrittenOutputs = { files: {}, warnings: [] };
  for (const [key, format] of formatKeys) {
    const target = outputs[key];
    if (!target) continue;
    const file = path.resolve(cwd, target);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, await renderReport(report, format));
      written.files[format] = file;
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      written.warnings.push(`could not write the ${format} report to ${file} (${reason})`);
    }
  }
  return written;
}
