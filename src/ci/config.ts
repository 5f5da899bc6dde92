/**
 * Finds and reads the CI config: `--config FILE`, else the first of mlbuild.config.yaml,
 * mlbuild.config.yml, mlbuild.config.json or package.json's `mlbuild` key, in the working
 * directory or the nearest parent (up to the Git root). Every problem is bad input (exit 2)
 * whose message names the path inside the file: `models[0].targets[1]: unknown target 'gpu'`.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../errors.js";
import { deepestIssue, type SchemaIssue } from "../gates/limits.js";
import { parseTarget } from "../runtime/targets.js";
import { type CiConfig, ciConfigSchema } from "./schema.js";

export const configFileNames = ["mlbuild.config.yaml", "mlbuild.config.yml", "mlbuild.config.json"];

export interface LoadedConfig {
  config: CiConfig;
  /** The file it came from; model paths are relative to its folder. */
  file: string;
  directory: string;
}

/** `models[0].limits.max-p95`: the path as a person reads it. */
export function formatIssuePath(issuePath: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of issuePath) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text === "" ? "(top level)" : text;
}

function invalid(file: string, problems: string[]): UsageError {
  const shown = problems.slice(0, 3).join("; ");
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : "";
  return new UsageError("CONFIG_INVALID", `${path.basename(file)}: ${shown}${more}`, {
    hint: "Fix the config; schema/mlbuild.config.schema.json describes every key (docs/ci.md).",
    details: { file, problems },
  });
}

function describeIssue(raw: SchemaIssue): string {
  const issue = deepestIssue(raw);
  const keys = (issue as SchemaIssue & { keys?: string[] }).keys;
  if (issue.code === "unrecognized_keys" && keys) {
    return keys.map((key) => `${formatIssuePath([...issue.path, key])}: unknown key`).join("; ");
  }
  return `${formatIssuePath(issue.path)}: ${issue.message}`;
}

/** Checks the schema cannot: targets parse, and model files exist. */
function checkReferences(config: CiConfig, directory: string): string[] {
  const problems: string[] = [];
  config.models.forEach((model, index) => {
    if (!model.path.startsWith("git:") && !existsSync(path.resolve(directory, model.path))) {
      problems.push(`models[${index}].path: no such file '${model.path}'`);
    }
    model.targets.forEach((target, targetIndex) => {
      try {
        parseTarget(target);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        problems.push(`models[${index}].targets[${targetIndex}]: ${reason}`);
      }
    });
  });
  return problems;
}

export function parseConfig(document: unknown, file: string): LoadedConfig {
  const parsed = ciConfigSchema.safeParse(document);
  if (!parsed.success) {
    throw invalid(
      file,
      parsed.error.issues.map((issue) => describeIssue(issue as SchemaIssue)),
    );
  }
  const directory = path.dirname(path.resolve(file));
  const problems = checkReferences(parsed.data, directory);
  if (problems.length > 0) throw invalid(file, problems);
  return { config: parsed.data, file, directory };
}

async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError("CONFIG_UNREADABLE", `Cannot read ${file} (${reason})`, {
      hint: "Check the path given to --config.",
    });
  }
  try {
    const document: unknown = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
    if (path.basename(file) !== "package.json") return document;
    return (document as Record<string, unknown> | null)?.mlbuild;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError("CONFIG_INVALID", `${path.basename(file)} cannot be parsed: ${reason}`, {
      hint: "Fix the syntax (YAML or JSON).",
    });
  }
}

async function hasMlbuildKey(file: string): Promise<boolean> {
  try {
    const document = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    return document.mlbuild !== undefined;
  } catch {
    return false;
  }
}

/** The config file that applies here, or undefined when there is none. */
export async function discoverConfig(cwd = process.cwd()): Promise<string | undefined> {
  let directory = path.resolve(cwd);
  for (;;) {
    for (const name of configFileNames) {
      const candidate = path.join(directory, name);
      if (existsSync(candidate)) return candidate;
    }
    const packageJson = path.join(directory, "package.json");
    if (existsSync(packageJson) && (await hasMlbuildKey(packageJson))) return packageJson;
    const parent = path.dirname(directory);
    if (parent === directory || existsSync(path.join(directory, ".git"))) return undefined;
    directory = parent;
  }
}

export async function loadConfig(explicit?: string, cwd = process.cwd()): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : await discoverConfig(cwd);
  if (!file) {
    throw new UsageError("CONFIG_NONE", "No mlbuild config found here or in a parent folder", {
      hint:
        "Create mlbuild.config.yaml (see docs/ci.md), add an `mlbuild` key to package.json, " +
        "or pass --config FILE.",
    });
  }
  return parseConfig(await readDocument(file), file);
}

/** Seconds from a config duration (`90s`, `10m`, `1h`, or a number of seconds). */
export function durationSeconds(value: number | string): number {
  if (typeof value === "number") return value;
  const match = /^([0-9]*\.?[0-9]+)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new RangeError(`not a duration: ${value}`);
  const scale = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] ?? "s"] ?? 1;
  return Number(match[1]) * scale;
}
