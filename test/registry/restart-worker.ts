import { isMlbuildError } from "../../src/errors.js";
import { PostgresDatabase } from "../../src/registry/postgres-database.js";
import { SqlRegistry } from "../../src/registry/registry.js";
import { benchmarkRecord, buildRecord, hexId } from "./backends.js";

/**
 * Writes builds, each with its benchmark in the same transaction, and moves a tag after each,
 * while the test restarts the server under it. Usage: restart-worker.ts URL COUNT.
 * Prints `{ done, error }`: how many it finished and the error code it stopped on, if any.
 */
const [url, count] = process.argv.slice(2);
const registry = new SqlRegistry(await PostgresDatabase.open(url));
let done = 0;
let error: string | null = null;
try {
  for (; done < Number(count); done++) {
    const buildId = hexId(`restart-${done}`);
    await registry.transaction(async (tx) => {
      await registry.builds.insert(buildRecord(buildId), tx);
      await registry.benchmarks.insert(benchmarkRecord(`b-${done}`, buildId, [1, 2, 3]), tx);
    });
    await registry.transaction((tx) => registry.tags.set(tx, "latest", buildId, { force: true }));
    // The test restarts the server once it sees the worker under way.
    if (done === 0) process.stderr.write("started\n");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
} catch (thrown) {
  error = isMlbuildError(thrown) ? thrown.code : String(thrown);
}
await registry.close();
process.stdout.write(`${JSON.stringify({ done, error })}\n`);
