/** How `build`, `show` and `compare` print a build's accuracy and what its transforms did. */
import type { JsonObject, JsonValue } from "../registry/records.js";

function figure(value: JsonValue | undefined, digits: number): string {
  return typeof value === "number" ? value.toPrecision(digits) : "-";
}

/** One line: max and mean error, cosine, SQNR, top-1, and what the inputs were. */
export function formatAccuracy(accuracy: JsonObject): string {
  if (accuracy.max_abs_error === Number.MAX_VALUE) {
    return (
      `outputs contain infinities or NaN (${accuracy.samples} ` +
      `samples, ${accuracy.inputs_source})`
    );
  }
  const sqnr =
    typeof accuracy.sqnr_db === "number" ? `${accuracy.sqnr_db.toFixed(1)} dB` : "∞ (identical)";
  const top1 =
    typeof accuracy.top1_agreement === "number"
      ? `, top-1 ${(accuracy.top1_agreement * 100).toFixed(1)}%`
      : "";
  return (
    `max error ${figure(accuracy.max_abs_error, 3)}, mean ${figure(accuracy.mean_abs_error, 3)}, ` +
    `cosine ${figure(accuracy.cosine_similarity, 6)}, SQNR ${sqnr}${top1} ` +
    `(${accuracy.samples} samples, ${accuracy.inputs_source})`
  );
}

/** Warnings a person should see from the transform reports: clamping, skipped nodes, no-ops. */
export function transformNotes(reports: JsonObject): string[] {
  const notes: string[] = [];
  for (const [name, value] of Object.entries(reports)) {
    if (!value || typeof value !== "object" || Array.isArray(value)) continue;
    const report = value as JsonObject;
    if (report.noop === true)
      notes.push(`  ${name}: nothing to quantize; the artifact is the source model`);
    if (typeof report.clampedValues === "number" && report.clampedValues > 0) {
      const tensors = (report.clampedTensors as string[]).join(", ");
      notes.push(
        `  ${name}: clamped ${report.clampedValues} weights beyond ±65504 ` +
          `(largest ${figure(report.largestMagnitude, 4)}) in ${tensors}`,
      );
    }
    if (typeof report.skippedNodes === "number" && report.skippedNodes > 0) {
      const first = (report.skipped as JsonObject[])[0];
      notes.push(
        `  ${name}: ${report.skippedNodes} nodes left float, e.g. ${first?.opType} ` +
          `'${first?.node}': ${first?.reason}`,
      );
    }
    if (typeof report.note === "string") notes.push(`  ${name}: ${report.note}`);
  }
  return notes;
}
