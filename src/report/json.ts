/**
 * The JSON report: the `Report` document itself, versioned by `schema`. Samples are kept, so a
 * JSON report can be re-rendered as HTML elsewhere; `--no-samples` style trimming is the
 * caller's choice.
 */
import type { Report } from "./types.js";

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
