import { describe, expect, it } from "vitest";
import { numberPlaceholders } from "./sql-placeholders.js";

describe("numberPlaceholders", () => {
  it("numbers each placeholder in order", () => {
    expect(numberPlaceholders("SELECT * FROM builds WHERE a = ? AND b IN (?, ?)")).toBe(
      "SELECT * FROM builds WHERE a = $1 AND b IN ($2, $3)",
    );
  });

  it("leaves question marks in literals, identifiers, comments and dollar quotes alone", () => {
    const sql =
      "SELECT 'why?', 'it''s ?', E'\\'?', \"odd?name\", $$body ? here$$, $tag$?$tag$ -- really?\n" +
      "/* what? */ FROM t WHERE x = ?";
    expect(numberPlaceholders(sql)).toBe(`${sql.slice(0, -1)}$1`);
  });
});
