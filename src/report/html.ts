/**
 * The HTML report: one self-contained file (inline CSS, charts as inline SVG, no script, no
 * external resource), so it opens from a CI artifact or an e-mail without a network.
 */
import {
  distributionSpec,
  historySpec,
  opTypeSpec,
  percentileSpec,
  renderSvg,
  type Side,
} from "./charts.js";
import { escapeHtml } from "./escape.js";
import { formatNumber, gateRows, percentileRows, verdictOf } from "./rows.js";
import type { GateRow, Report, ReportBuild, ReportEntry } from "./types.js";

const style = `
body {
  font: 14px/1.45 system-ui, sans-serif; color: #111827;
  margin: 2rem auto; max-width: 980px; padding: 0 1rem;
}
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #e5e7eb; }
.muted { color: #6b7280; } code { font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td {
  text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e7eb; vertical-align: top;
}
th { background: #f9fafb; }
.verdict { font-weight: 600; border-radius: 4px; padding: 0 .4rem; }
.pass, .no-change, .improvement, .measured { background: #dcfce7; color: #166534; }
.fail, .regression, .error { background: #fee2e2; color: #991b1b; }
.warn, .inconclusive, .not-measured, .skipped { background: #fef3c7; color: #92400e; }
figure.chart { margin: 1rem 0; } figure.chart svg { max-width: 100%; height: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dt { color: #6b7280; } dd { margin: 0; }
`;

/** Nothing may be fetched: the report is one self-contained file. */
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const unitsNote = "Latencies in ms; intervals are 95% unless the table says otherwise.";

function verdictBadge(verdict: string): string {
  const safe = escapeHtml(verdict);
  return `<span class="verdict ${safe}">${safe}</span>`;
}

function gateTable(rows: readonly GateRow[]): string {
  const header = ["Model", "Gate", "Requirement", "Value", "Interval", "Verdict"];
  const body = rows.map((row) =>
    [row.entry, row.gate, row.requirement, row.value, row.interval]
      .map((cell) => `<td>${escapeHtml(cell)}</td>`)
      .concat(`<td title="${escapeHtml(row.message)}">${verdictBadge(row.verdict)}</td>`)
      .join(""),
  );
  return (
    `<table><thead><tr>${header.map((cell) => `<th>${cell}</th>`).join("")}</tr></thead>` +
    `<tbody>${body.map((cells) => `<tr>${cells}</tr>`).join("")}</tbody></table>`
  );
}

function buildFacts(role: string, build: ReportBuild): string {
  const facts: Array<[string, string]> = [
    [role, `${build.name ?? "unnamed"} (${build.build_id.slice(0, 12)})`],
    ["target", `${build.target}, ${build.quantization}`],
    ["source", build.source],
  ];
  if (build.notes) facts.push(["notes", build.notes]);
  return facts.map(([term, value]) => `<dt>${term}</dt><dd>${escapeHtml(value)}</dd>`).join("");
}

async function chart(name: string, spec: Record<string, unknown>): Promise<string> {
  return `<figure class="chart" data-chart="${name}">${await renderSvg(spec)}</figure>`;
}

function sidesOf(entry: ReportEntry): Side[] {
  const sides: Side[] = [];
  if (entry.baseline_benchmark) {
    const name = entry.baseline_benchmark.build.name ?? "";
    sides.push({ label: `baseline ${name}`.trim(), benchmark: entry.baseline_benchmark });
  }
  if (entry.candidate_benchmark) {
    const name = entry.candidate_benchmark.build.name ?? "";
    sides.push({ label: `candidate ${name}`.trim(), benchmark: entry.candidate_benchmark });
  }
  return sides;
}

async function entrySection(entry: ReportEntry): Promise<string> {
  const parts = [`<h2>${escapeHtml(entry.label)}</h2>`];
  const facts = [entry.baseline ? buildFacts("baseline", entry.baseline) : ""];
  facts.push(buildFacts("candidate", entry.candidate));
  parts.push(`<dl>${facts.join("")}</dl>`);
  if (entry.error) parts.push(`<p class="fail">${escapeHtml(entry.error.message)}</p>`);

  const sides = sidesOf(entry);
  if (sides.length > 0) {
    const runs = sides.map((side) => `${escapeHtml(side.label)}: ${side.benchmark.runs} runs`);
    parts.push(`<p class="muted">${runs.join("; ")}</p>`);
    parts.push(await chart("distribution", distributionSpec(sides)));
    parts.push(await chart("percentiles", percentileSpec(sides)));
  }
  const profiled = sides.flatMap((side) =>
    side.benchmark.op_types?.length ? [{ side: side.label, opTypes: side.benchmark.op_types }] : [],
  );
  if (profiled.length > 0) parts.push(await chart("op-types", opTypeSpec(profiled)));
  if (entry.history?.points.some((point) => point.value !== null)) {
    parts.push(await chart("history", historySpec(entry.history)));
    parts.push(`<p class="muted">Change points: ${escapeHtml(entry.history.method)}</p>`);
  }
  return parts.join("\n");
}

export async function renderHtml(report: Report): Promise<string> {
  const gated = gateRows(report);
  const rows = gated.length > 0 ? gated : report.entries.flatMap(percentileRows);
  const sections: string[] = [];
  for (const entry of report.entries) sections.push(await entrySection(entry));
  const warnings = report.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join("");
  const verdict = gated.length > 0 ? verdictBadge(verdictOf(report)) : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<title>${escapeHtml(report.title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(report.title)} ${verdict}</h1>
<p class="muted">Generated ${escapeHtml(report.generated_at)} by mlbuild. ${unitsNote}</p>
${gateTable(rows)}
${warnings ? `<ul class="warnings">${warnings}</ul>` : ""}
${sections.join("\n")}
<p class="muted">Mean latency, last benchmark: ${report.entries
    .map(
      (entry) =>
        `${escapeHtml(entry.label)} ${formatNumber(entry.candidate_benchmark?.mean_ms)} ms`,
    )
    .join("; ")}</p>
</body>
</html>
`;
}
