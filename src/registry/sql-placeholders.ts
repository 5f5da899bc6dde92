/**
 * The registry writes SQL once with `?` placeholders (SQLite's style); PostgreSQL numbers its
 * parameters (`$1`, `$2`, ...). This rewrites one into the other, leaving every `?` that is not
 * a placeholder alone: inside string literals, quoted identifiers, comments and dollar quotes.
 */
export function numberPlaceholders(sql: string): string {
  let result = "";
  let count = 0;
  let index = 0;
  while (index < sql.length) {
    const end = skipQuotedOrComment(sql, index);
    if (end > index) {
      result += sql.slice(index, end);
      index = end;
      continue;
    }
    const character = sql[index];
    if (character === "?") {
      count += 1;
      result += `$${count}`;
    } else {
      result += character;
    }
    index += 1;
  }
  return result;
}

/** Where the literal, identifier or comment starting at `index` ends; `index` if none starts. */
function skipQuotedOrComment(sql: string, index: number): number {
  const character = sql[index];
  const next = sql[index + 1];
  if (character === "'") {
    // E'...' strings take backslash escapes; standard strings only double the quote.
    const escapes = index > 0 && /[eE]/.test(sql[index - 1]) && !/\w/.test(sql[index - 2] ?? "");
    return closingQuote(sql, index, "'", escapes);
  }
  if (character === '"') return closingQuote(sql, index, '"', false);
  if (character === "-" && next === "-") {
    const newline = sql.indexOf("\n", index);
    return newline === -1 ? sql.length : newline + 1;
  }
  if (character === "/" && next === "*") {
    const close = sql.indexOf("*/", index + 2);
    return close === -1 ? sql.length : close + 2;
  }
  if (character === "$") {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(index));
    // `$1` is a numbered parameter written by hand, not a dollar quote.
    if (!tag || (index > 0 && /\w/.test(sql[index - 1]))) return index;
    const close = sql.indexOf(tag[0], index + tag[0].length);
    return close === -1 ? sql.length : close + tag[0].length;
  }
  return index;
}

function closingQuote(sql: string, start: number, quote: string, escapes: boolean): number {
  let index = start + 1;
  while (index < sql.length) {
    const character = sql[index];
    if (escapes && character === "\\") {
      index += 2;
      continue;
    }
    if (character === quote) {
      if (sql[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index += 1;
  }
  return sql.length;
}
