/**
 * The limits `validate` checks: from flags (`--max-p95 10`) or from a limits file committed
 * with the model, where each limit may carry a severity as in Lighthouse CI's assertions:
 * `error` fails the run, `warn` is only reported.
 *
 *   limits:
 *     max-p95: 10                               # milliseconds; severity error
 *     max-memory: { value: 200, severity: warn }
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UsageError } from "../errors.js";
import type { Severity } from "./types.js";

export interface LimitGate {
  gate: string;
  /** What is measured: a latency statistic, memory, throughput, size or an accuracy field. */
  metric: string;
  unit: string;
  kind: "max" | "min";
  /** Where the value comes from. */
  source: "measured" | "size" | "accuracy";
  description: string;
}

export const limitGates: readonly LimitGate[] = [
  {
    gate: "max-latency",
    metric: "p50",
    unit: "ms",
    kind: "max",
    source: "measured",
    description: "p50 latency, ms",
  },
  {
    gate: "max-p95",
    metric: "p95",
    unit: "ms",
    kind: "max",
    source: "measured",
    description: "p95 latency, ms",
  },
  {
    gate: "max-p99",
    metric: "p99",
    unit: "ms",
    kind: "max",
    source: "measured",
    description: "p99 latency, ms",
  },
  {
    gate: "max-memory",
    metric: "memory",
    unit: "MB",
    kind: "max",
    source: "measured",
    description: "the model's memory, MB",
  },
  {
    gate: "min-throughput",
    metric: "throughput",
    unit: "inferences/s",
    kind: "min",
    source: "measured",
    description: "inferences per second",
  },
  {
    gate: "max-size",
    metric: "size",
    unit: "MB",
    kind: "max",
    source: "size",
    description: "artifact size, MB",
  },
  {
    gate: "max-error",
    metric: "max_abs_error",
    unit: "",
    kind: "max",
    source: "accuracy",
    description: "max absolute error against the source model",
  },
  {
    gate: "min-cosine",
    metric: "cosine_similarity",
    unit: "",
    kind: "min",
    source: "accuracy",
    description: "cosine similarity against the source model",
  },
  {
    gate: "min-top1",
    metric: "top1_agreement",
    unit: "",
    kind: "min",
    source: "accuracy",
    description: "top-1 agreement with the source model",
  },
];

export interface Limit {
  gate: LimitGate;
  value: number;
  severity: Severity;
}

const gateNames = limitGates.map((gate) => gate.gate) as [string, ...string[]];

const limitValue = z.union([
  z.number().finite().nonnegative(),
  z
    .object({
      value: z.number().finite().nonnegative(),
      severity: z.enum(["error", "warn"]).default("error"),
    })
    .strict(),
]);

export const limitsFileSchema = z
  .object({
    limits: z.partialRecord(z.enum(gateNames), limitValue),
  })
  .passthrough();

export function describeIssuePath(issuePath: readonly PropertyKey[]): string {
  return issuePath.length === 0 ? "(top level)" : issuePath.map(String).join(".");
}

export interface SchemaIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: SchemaIssue[][];
}

/**
 * A limit is a number or an object, so a bad object fails both branches of the union; the
 * branch that got deeper into the value says what is actually wrong.
 */
export function deepestIssue(issue: SchemaIssue): SchemaIssue {
  if (issue.code !== "invalid_union" || !issue.errors) return issue;
  const branches = issue.errors.flat().map(deepestIssue);
  const deepest = branches.sort((a, b) => b.path.length - a.path.length)[0];
  if (!deepest || deepest.path.length === 0) return issue;
  return { ...deepest, path: [...issue.path, ...deepest.path] };
}

/** Parses a limits file's text (YAML, of which JSON is a subset); errors name the path. */
export function parseLimitsFile(text: string, file: string): Limit[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError("LIMITS_FILE_INVALID", `${file} is not valid YAML or JSON: ${reason}`, {
      hint: "Fix the syntax; a limits file looks like `limits: { max-p95: 10 }`.",
    });
  }
  const parsed = limitsFileSchema.safeParse(document);
  if (!parsed.success) {
    const issue = deepestIssue(parsed.error.issues[0] as SchemaIssue);
    throw new UsageError(
      "LIMITS_FILE_INVALID",
      `${file}: ${describeIssuePath(issue.path)}: ${issue.message}`,
      {
        hint:
          `Limits are ${gateNames.join(", ")}; each a number ≥ 0 or ` +
          "{ value: N, severity: error|warn }.",
      },
    );
  }
  return limitsOf(parsed.data.limits);
}

/** The limits of a parsed `limits` section (also used by the `ci` config). */
export function limitsOf(section: z.infer<typeof limitsFileSchema>["limits"]): Limit[] {
  return Object.entries(section).flatMap(([name, entry]) => {
    const gate = limitGates.find((candidate) => candidate.gate === name) as LimitGate;
    if (entry === undefined) return [];
    if (typeof entry === "number") return { gate, value: entry, severity: "error" as const };
    return { gate, value: entry.value, severity: entry.severity };
  });
}

export async function readLimitsFile(file: string): Promise<Limit[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError("LIMITS_FILE_UNREADABLE", `Cannot read ${file} (${reason})`, {
      hint: "Check the path given to --limits or --config.",
    });
  }
  return parseLimitsFile(text, path.basename(file));
}

/** Flags override the file's value for the same gate, and keep the file's severity. */
export function mergeLimits(
  fromFile: readonly Limit[],
  fromFlags: Record<string, number>,
): Limit[] {
  const merged = new Map(fromFile.map((limit) => [limit.gate.gate, limit]));
  for (const [name, value] of Object.entries(fromFlags)) {
    const gate = limitGates.find((candidate) => candidate.gate === name);
    if (!gate) continue;
    merged.set(name, { gate, value, severity: merged.get(name)?.severity ?? "error" });
  }
  return limitGates.flatMap((gate) => {
    const limit = merged.get(gate.gate);
    return limit ? [limit] : [];
  });
}
