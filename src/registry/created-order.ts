import type { Queryable, SqlValue } from "./database.js";

/**
 * Inserts a row numbered one past the table's highest `created_seq`, the order listings use.
 * Builds and benchmarks number their rows the same way, so the rule lives here once.
 */
export async function insertInCreatedOrder(
  db: Queryable,
  table: "builds" | "benchmarks",
  columns: string,
  values: readonly SqlValue[],
): Promise<void> {
  const next = await db.get<{ seq: number | string | null }>(
    `SELECT MAX(created_seq) AS seq FROM ${table}`,
  );
  const placeholders = Array.from({ length: values.length + 1 }, () => "?").join(", ");
  await db.run(`INSERT INTO ${table} (created_seq, ${columns}) VALUES (${placeholders})`, [
    Number(next?.seq ?? 0) + 1,
    ...values,
  ]);
}
