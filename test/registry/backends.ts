import { createHash } from "node:crypto";
import path from "node:path";
import type { Database } from "../../src/registry/database.js";
import { migrate } from "../../src/registry/migrations.js";
import { PostgresDatabase } from "../../src/registry/postgres-database.js";
import type { BenchmarkRecord, BuildRecord } from "../../src/registry/records.js";
import { SqlRegistry } from "../../src/registry/registry.js";
import { SqliteDatabase } from "../../src/registry/sqlite-database.js";
import { temporaryDirectory } from "../helpers/cli.js";
import { createScratchDatabase } from "../helpers/postgres.js";

/**
 * One empty database of each backend, so every registry test runs against both. `connect`
 * opens another connection to the same database, as a second process would.
 */
export interface ScratchRegistry {
  /** The SQLite file or the PostgreSQL URL, for a child process to open. */
  target: string;
  connect(): Promise<Database>;
  dispose(): Promise<void>;
}

export interface Backend {
  name: "sqlite" | "postgres";
  create(): Promise<ScratchRegistry>;
}

export const backends: Backend[] = [
  {
    name: "sqlite",
    async create() {
      const file = path.join(temporaryDirectory(), "registry.db");
      SqliteDatabase.create(file).close();
      return {
        target: file,
        connect: async () => new SqliteDatabase(file),
        dispose: async () => undefined,
      };
    },
  },
  {
    name: "postgres",
    async create() {
      const scratch = await createScratchDatabase();
      return {
        target: scratch.url,
        connect: () => PostgresDatabase.open(scratch.url),
        dispose: scratch.drop,
      };
    },
  },
];

/** A migrated registry on a fresh database of the backend. */
export async function openRegistry(backend: Backend) {
  const database = await backend.create();
  const db = await database.connect();
  await migrate(db);
  const registry = new SqlRegistry(db);
  return {
    registry,
    connect: database.connect,
    async dispose() {
      await registry.close();
      await database.dispose();
    },
  };
}

export function hexId(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

export function buildRecord(buildId: string, overrides: Partial<BuildRecord> = {}): BuildRecord {
  return {
    buildId,
    createdAt: new Date().toISOString(),
    name: `model-${buildId.slice(0, 6)}`,
    notes: null,
    sourceHash: hexId(`source-${buildId}`),
    sourceLabel: "models/model.onnx",
    target: "cpu",
    quantization: "fp32",
    config: { target: "cpu", quantize: "fp32" },
    toolchain: { runtime: "onnxruntime-node" },
    artifactHash: hexId(`artifact-${buildId}`),
    artifactSize: 1234,
    artifactLocation: "local",
    summary: { opset: 13 },
    accuracy: null,
    ...overrides,
  };
}

export function benchmarkRecord(
  benchmarkId: string,
  buildId: string,
  samples: number[],
  overrides: Partial<BenchmarkRecord> = {},
): BenchmarkRecord {
  return {
    benchmarkId,
    buildId,
    createdAt: new Date().toISOString(),
    kind: "benchmark",
    testbedHash: "testbed-a",
    testbed: { cpu: "test" },
    config: { runs: samples.length },
    summary: { headline: { p50_ms: samples[0] ?? 0 } },
    samples: Float64Array.from(samples),
    warmupSamples: Float64Array.from([9.5, 8.25]),
    ...overrides,
  };
}
