import canonicalize from "canonicalize";
import { RuntimeFailure } from "../errors.js";
import { decodeSamples, encodeSamples } from "../registry/json.js";
import type { BenchmarkRecord, BuildRecord, JsonObject, TagMove } from "../registry/records.js";
import type { RunSnapshot } from "../registry/transfer.js";
import { sha256 } from "../store/object-store.js";

/**
 * The JSON documents a remote holds. Samples travel as base64 of little-endian float64, so
 * every raw latency comes back bit for bit.
 */

type BuildDocument = Omit<BuildRecord, "artifactLocation">;

interface BenchmarkDocument extends Omit<BenchmarkRecord, "samples" | "warmupSamples"> {
  samples: string;
  warmupSamples: string;
}

export function encodeDocument(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value)}\n`);
}

export function decodeDocument<T>(bytes: Buffer, key: string): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch (error) {
    throw new RuntimeFailure("REMOTE_DOCUMENT_INVALID", `'${key}' on the remote is not JSON`, {
      hint: "The remote copy is damaged; push it again from a registry that has it.",
      cause: error,
    });
  }
}

export function buildDocument(build: BuildRecord): BuildDocument {
  const { artifactLocation: _local, ...document } = build;
  return document;
}

export function buildFromDocument(document: BuildDocument): BuildRecord {
  return { ...document, artifactLocation: "local" };
}

export function benchmarkDocument(record: BenchmarkRecord): BenchmarkDocument {
  return {
    ...record,
    samples: Buffer.from(encodeSamples(record.samples)).toString("base64"),
    warmupSamples: Buffer.from(encodeSamples(record.warmupSamples)).toString("base64"),
  };
}

export function benchmarkFromDocument(document: BenchmarkDocument): BenchmarkRecord {
  return {
    ...document,
    samples: decodeSamples(Buffer.from(document.samples, "base64")),
    warmupSamples: decodeSamples(Buffer.from(document.warmupSamples, "base64")),
  };
}

/** A short content digest for keys; 16 hex characters make accidental collisions negligible. */
function digestOf(value: unknown): string {
  return sha256(Buffer.from(canonicalize(value) ?? "")).slice(0, 16);
}

export function tagMoveDigest(move: TagMove): string {
  return digestOf(move);
}

/** JSON has no NaN or infinities; metrics may hold them, so those travel as text. */
export interface RunDocument extends Omit<RunSnapshot, "metrics"> {
  metrics: Array<Omit<RunSnapshot["metrics"][number], "value"> & { value: number | string }>;
}

export function runDocument(run: RunSnapshot): RunDocument {
  return {
    ...run,
    metrics: run.metrics.map((metric) => ({
      ...metric,
      value: Number.isFinite(metric.value) ? metric.value : String(metric.value),
    })),
  };
}

export function runFromDocument(document: RunDocument): RunSnapshot {
  return {
    ...document,
    metrics: document.metrics.map((metric) => ({ ...metric, value: Number(metric.value) })),
  };
}

/** The experiment's ID and creation time may differ between registries; they are not content. */
export function runDigest(run: RunSnapshot): string {
  const { experimentId: _id, experimentCreatedAt: _created, ...content } = runDocument(run);
  return digestOf(content as unknown as JsonObject);
}
