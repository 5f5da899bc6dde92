/** How `inspect --divergence` prints where a transformed build departs from its source. */
import type { DivergenceReport, LayerError } from "../build/divergence.js";
import { renderTable } from "./table.js";

/** Values shown around the first offender; the JSON output has all of them. */
const SHOWN_LAYERS = 25;

function row(layer: LayerError): string[] {
  const sqnr = !layer.finite
    ? "not finite"
    : layer.sqnr_db === null
      ? "identical"
      : `${layer.sqnr_db.toFixed(1)} dB`;
  return [
    layer.value,
    layer.opType,
    layer.finite ? layer.max_abs_error.toPrecision(3) : "inf",
    layer.cosine_similarity.toFixed(6),
    sqnr,
  ];
}

export function renderDivergence(report: DivergenceReport): string {
  const offender = report.first_offender;
  const why = offender?.finite
    ? `SQNR ${offender.sqnr_db?.toFixed(1)} dB < ${report.threshold_sqnr_db} dB`
    : "infinity or NaN";
  const headline = offender
    ? `first offender: ${offender.value} (${offender.opType}), ${why}`
    : `no value falls below ${report.threshold_sqnr_db} dB SQNR`;
  const start = offender ? Math.max(0, report.layers.indexOf(offender) - 2) : 0;
  const shown = report.layers.slice(start, start + SHOWN_LAYERS);
  const table = renderTable(["VALUE", "OP", "MAX ERROR", "COSINE", "SQNR"], shown.map(row), {
    indent: "  ",
  });
  const more = report.layers.length - shown.length;
  return [
    `build ${report.build_id.slice(0, 12)} (${report.quantization}) against its ` +
      `source, ${report.samples} random samples`,
    headline,
    "",
    table,
    more > 0 ? `  ... ${more} more values (--json lists all ${report.layers.length})` : "",
  ].join("\n");
}
