import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";

/**
 * The registry's logical content: every row of every table and every stored object. Two equal
 * states mean a command changed nothing (SQLite's -shm/-wal files may still be touched).
 */
export function registryState(root: string): string {
  const database = path.join(root, "registry.db");
  const rows: Record<string, unknown[]> = {};
  if (existsSync(database)) {
    const connection = new BetterSqlite3(database, { readonly: true });
    const tables = connection
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as Array<{ name: string }>;
    for (const { name } of tables) rows[name] = connection.prepare(`SELECT * FROM "${name}"`).all();
    connection.close();
  }
  const objects: string[] = [];
  const walk = (directory: string) => {
    if (!existsSync(directory)) return;
    for (const entry of readdirSync(directory)) {
      const full = path.join(directory, entry);
      if (statSync(full).isDirectory()) walk(full);
      else objects.push(`${path.relative(root, full)}:${statSync(full).size}`);
    }
  };
  walk(path.join(root, "objects"));
  return JSON.stringify({ rows, objects: objects.sort() }, (_key, value) =>
    value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value,
  );
}
