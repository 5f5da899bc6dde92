/** Plain records as the registry stores them; the layers above give the JSON fields shape. */

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

export interface BuildRecord {
  buildId: string;
  createdAt: string;
  name: string | null;
  notes: string | null;
  sourceHash: string;
  /** Where the source came from, for people (a path or `git:REV:PATH`); not part of identity. */
  sourceLabel: string;
  target: string;
  quantization: string;
  config: JsonObject;
  toolchain: JsonObject;
  artifactHash: string;
  artifactSize: number;
  /** `local` for this registry's object store, or `remote:NAME` when it lives on a remote. */
  artifactLocation: string;
  summary: JsonObject;
  accuracy: JsonObject | null;
}

export interface TagRecord {
  name: string;
  buildId: string;
  updatedAt: string;
}

export type TagAction = "create" | "move" | "delete";

export interface TagMove {
  name: string;
  seq: number;
  action: TagAction;
  buildId: string | null;
  previousBuildId: string | null;
  movedAt: string;
}

export interface BenchmarkRecord {
  benchmarkId: string;
  buildId: string;
  createdAt: string;
  /** `benchmark`, `validate` or `compare`: which command measured it. */
  kind: string;
  testbedHash: string;
  testbed: JsonObject;
  config: JsonObject;
  summary: JsonObject;
  /** Steady-state latencies in milliseconds, every one of them, in run order. */
  samples: Float64Array;
  warmupSamples: Float64Array;
}
