/** Picks the renderer of a report format; each format lives in its own file. */
import type { Report } from "./types.js";

export const reportFormats = ["md", "html", "json", "junit"] as const;
export type ReportFormat = (typeof reportFormats)[number];

export async function renderReport(report: Report, format: ReportFormat): Promise<string> {
  if (format === "md") return (await import("./markdown.js")).renderMarkdown(report);
  if (format === "html") return (await import("./html.js")).renderHtml(report);
  if (format === "junit") return (await import("./junit.js")).renderJunit(report);
  return (await import("./json.js")).renderJson(report);
}
