/**
 * The measuring modules the bench scripts drive, from dist/ when it is built (so the harness's
 * child runs compiled JavaScript, as users run it), else from src/ under tsx.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type * as BenchmarkModule from "../src/bench/benchmark.js";
import type * as BuildModule from "../src/build/build.js";
import type * as WorkspaceModule from "../src/workspace.js";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const compiled = existsSync(path.join(repositoryRoot, "dist/bench/benchmark.js"));
const modules = compiled ? "../dist" : "../src";

export const { runBenchmark } = (await import(
  `${modules}/bench/benchmark.js`
)) as typeof BenchmarkModule;
export const { buildModel } = (await import(`${modules}/build/build.js`)) as typeof BuildModule;
export const { initWorkspace } = (await import(
  `${modules}/workspace.js`
)) as typeof WorkspaceModule;
