import { migrate } from "../../src/registry/migrations.js";
import { PostgresDatabase } from "../../src/registry/postgres-database.js";
import { SqliteDatabase } from "../../src/registry/sqlite-database.js";

/** One migrator process: `migrate-worker.ts URL-or-SQLITE-FILE`; prints the migration result. */
const target = process.argv[2];
const db = target.startsWith("postgres")
  ? await PostgresDatabase.open(target)
  : new SqliteDatabase(target);
const result = await migrate(db);
await db.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
