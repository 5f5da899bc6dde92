/**
 * The JUnit XML report: one test suite per entry and one test case per gate, so a CI test view
 * (GitHub, GitLab, Jenkins) lists which limit failed. A failed `error` limit or a regression is
 * a <failure>; an undecided gate is an <error> (it did not pass, and it is not a failure of the
 * model either); a limit that could not be measured is <skipped>; a failed `warn` limit passes
 * with its message in <system-out>.
 */
import { gateRows, percentileRows } from "./rows.js";
import type { GateRow, Report } from "./types.js";

function escapeXml(text: string): string {
  return (
    text
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
  );
}

function outcome(row: GateRow): string {
  const message = escapeXml(row.message);
  if (row.failing) return `<failure message="${message}" type="${escapeXml(row.verdict)}"/>`;
  if (row.verdict === "inconclusive") return `<error message="${message}" type="inconclusive"/>`;
  if (row.verdict === "not-measured" || row.verdict === "skipped")
    return `<skipped message="${message}"/>`;
  if (row.verdict === "warn") return `<system-out>${message}</system-out>`;
  return "";
}

function testCase(row: GateRow): string {
  const interval = row.interval === "-" ? "" : ` ${row.interval}`;
  const name = escapeXml(`${row.gate}: ${row.requirement}, got ${row.value}${interval}`);
  const body = outcome(row);
  const className = escapeXml(`mlbuild.${row.entry}`);
  const open = `    <testcase classname="${className}" name="${name}" time="0"`;
  return body ? `${open}>${body}</testcase>` : `${open}/>`;
}

export function renderJunit(report: Report): string {
  const gated = gateRows(report);
  const rows = gated.length > 0 ? gated : report.entries.flatMap(percentileRows);
  const suites = report.entries.map((entry) => {
    const own = rows.filter((row) => row.entry === entry.label);
    const failures = own.filter((row) => row.failing).length;
    const errors = own.filter((row) => row.verdict === "inconclusive").length;
    const skipped = own.filter((row) => ["not-measured", "skipped"].includes(row.verdict)).length;
    return [
      `  <testsuite name="${escapeXml(entry.label)}" tests="${own.length}" ` +
        `failures="${failures}" errors="${errors}" skipped="${skipped}" ` +
        `timestamp="${escapeXml(report.generated_at)}">`,
      ...own.map(testCase),
      "  </testsuite>",
    ].join("\n");
  });
  const failures = rows.filter((row) => row.failing).length;
  const errors = rows.filter((row) => row.verdict === "inconclusive").length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(report.title)}" tests="${rows.length}" ` +
      `failures="${failures}" errors="${errors}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
