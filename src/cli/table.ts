/**
 * Plain aligned columns for terminal tables. Hand-written: the table libraries draw boxes,
 * and CI logs read better as plain, stable text.
 */
export type Alignment = "left" | "right";

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes for widths.
const ansiPattern = /\x1b\[[0-9;]*m/g;

function visibleWidth(text: string): number {
  return [...text.replace(ansiPattern, "")].length;
}

export function renderTable(
  header: string[],
  rows: string[][],
  options: { align?: Alignment[]; indent?: string } = {},
): string {
  const widths = header.map((cell, column) =>
    Math.max(visibleWidth(cell), ...rows.map((row) => visibleWidth(row[column] ?? ""))),
  );
  const line = (cells: string[]) =>
    (options.indent ?? "") +
    cells
      .map((cell, column) => {
        const padding = " ".repeat(widths[column] - visibleWidth(cell));
        return options.align?.[column] === "right" ? padding + cell : cell + padding;
      })
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function shortId(buildId: string): string {
  return buildId.slice(0, 12);
}
