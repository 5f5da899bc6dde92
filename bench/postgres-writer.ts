import { createHash } from "node:crypto";
import { PostgresDatabase } from "../src/registry/postgres-database.js";
import { SqlRegistry } from "../src/registry/registry.js";

/**
 * One writer of bench/postgres.ts: records builds one transaction each, through the registry's
 * own insert (with its `MAX(created_seq) + 1`), for DURATION_MS. Prints how many it wrote.
 * Usage: postgres-writer.ts URL WRITER DURATION_MS
 */
const [url, writer, duration] = process.argv.slice(2);
const registry = new SqlRegistry(await PostgresDatabase.open(url));
const deadline = Date.now() + Number(duration);
let written = 0;
while (Date.now() < deadline) {
  const buildId = createHash("sha256")
    .update(`writer-${writer}-${written}-${Math.random()}`)
    .digest("hex");
  await registry.transaction((tx) =>
    registry.builds.insert(
      {
        buildId,
        createdAt: new Date().toISOString(),
        name: `writer-${writer}`,
        notes: null,
        sourceHash: buildId,
        sourceLabel: "models/model.onnx",
        target: "cpu",
        quantization: "fp32",
        config: {},
        toolchain: {},
        artifactHash: buildId,
        artifactSize: 1,
        artifactLocation: "local",
        summary: {},
        accuracy: null,
      },
      tx,
    ),
  );
  written += 1;
}
await registry.close();
process.stdout.write(`${written}\n`);
