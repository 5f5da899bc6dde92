import { createHash } from "node:crypto";
import type { Database, SqlValue } from "../src/registry/database.js";

const columns = [
  "build_id",
  "created_seq",
  "created_at",
  "name",
  "notes",
  "source_hash",
  "source_label",
  "target",
  "quantization",
  "config_json",
  "toolchain_json",
  "artifact_hash",
  "artifact_size",
  "artifact_location",
  "summary_json",
  "accuracy_json",
];

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function row(seq: number, tag: string): SqlValue[] {
  const buildId = hash(`${tag}-${seq}`);
  return [
    buildId,
    seq,
    new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    `model-${seq % 50}`,
    null,
    hash(`source-${seq}`),
    "models/model.onnx",
    "cpu",
    "fp32",
    JSON.stringify({ target: "cpu", quantize: "fp32", optimize: "none", transformOptions: {} }),
    JSON.stringify({ runtime: "onnxruntime-node", version: "1.30.0" }),
    hash(`artifact-${seq}`),
    1_000_000 + seq,
    "local",
    JSON.stringify({ opset: 13, parameters: 12345, nodes: 42 }),
    null,
  ];
}

/**
 * Inserts `count` synthetic builds after any already there, in multi-row INSERTs of `batch`
 * rows inside one transaction per batch: the fast way to fill a registry for a benchmark.
 */
export async function seedBuilds(db: Database, count: number, batch = 1000): Promise<void> {
  const placeholders = `(${columns.map(() => "?").join(", ")})`;
  for (let start = 1; start <= count; start += batch) {
    const size = Math.min(batch, count - start + 1);
    const params = Array.from({ length: size }, (_, index) => row(start + index, "seed")).flat();
    const values = Array.from({ length: size }, () => placeholders).join(", ");
    await db.transaction((tx) =>
      tx.run(`INSERT INTO builds (${columns.join(", ")}) VALUES ${values}`, params),
    );
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
