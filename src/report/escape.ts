/** Escaping for text that came from users (build names, notes, paths) in reports. */

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * A Markdown table cell: GitHub renders inline HTML in comments, so angle brackets are escaped
 * too; a pipe would end the cell and a newline the row.
 */
export function escapeMarkdownCell(text: string): string {
  return escapeHtml(text).replaceAll("|", "\\|").replaceAll("`", "\\`").replace(/\r?\n/g, " ");
}
