import type { ModelSummary, TensorSignature } from "../onnx/summary.js";
import type { BuildRecord, JsonValue } from "../registry/records.js";

export interface ValueChange {
  field: string;
  a: JsonValue;
  b: JsonValue;
}

export interface BuildDiff {
  a: string;
  b: string;
  config: ValueChange[];
  inputs: ValueChange[];
  outputs: ValueChange[];
  /** Op types whose count differs, with both counts (0 when absent). */
  ops: Array<{ op: string; a: number; b: number }>;
  parameters: { a: number; b: number; change_pct: number | null };
  size: { a: number; b: number; change_pct: number | null };
}

function flatten(value: JsonValue, prefix: string, into: Map<string, JsonValue>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, member] of Object.entries(value)) {
      flatten(member, prefix ? `${prefix}.${key}` : key, into);
    }
  } else {
    into.set(prefix, value);
  }
}

function changes(a: JsonValue, b: JsonValue): ValueChange[] {
  const left = new Map<string, JsonValue>();
  const right = new Map<string, JsonValue>();
  flatten(a, "", left);
  flatten(b, "", right);
  const fields = [...new Set([...left.keys(), ...right.keys()])].sort();
  return fields
    .filter((field) => JSON.stringify(left.get(field)) !== JSON.stringify(right.get(field)))
    .map((field) => ({ field, a: left.get(field) ?? null, b: right.get(field) ?? null }));
}

function signatures(tensors: TensorSignature[]): JsonValue {
  return Object.fromEntries(
    tensors.map((tensor) => [tensor.name, `${tensor.dtype}[${(tensor.shape ?? ["?"]).join(",")}]`]),
  );
}

function percent(a: number, b: number): number | null {
  return a === 0 ? null : ((b - a) / a) * 100;
}

/** What differs between two builds: config, signature, graph and size. */
export function diffBuilds(a: BuildRecord, b: BuildRecord): BuildDiff {
  const left = a.summary as unknown as ModelSummary;
  const right = b.summary as unknown as ModelSummary;
  const opNames = [
    ...new Set([...Object.keys(left.opHistogram), ...Object.keys(right.opHistogram)]),
  ];
  return {
    a: a.buildId,
    b: b.buildId,
    config: changes(
      { ...a.config, toolchain: a.toolchain },
      { ...b.config, toolchain: b.toolchain },
    ),
    inputs: changes(signatures(left.inputs), signatures(right.inputs)),
    outputs: changes(signatures(left.outputs), signatures(right.outputs)),
    ops: opNames
      .sort()
      .map((op) => ({ op, a: left.opHistogram[op] ?? 0, b: right.opHistogram[op] ?? 0 }))
      .filter((entry) => entry.a !== entry.b),
    parameters: {
      a: left.parameterCount,
      b: right.parameterCount,
      change_pct: percent(left.parameterCount, right.parameterCount),
    },
    size: {
      a: a.artifactSize,
      b: b.artifactSize,
      change_pct: percent(a.artifactSize, b.artifactSize),
    },
  };
}
