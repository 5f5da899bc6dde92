import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { initWorkspace } from "../src/workspace.js";
import { median, seedBuilds } from "./seed.js";

/**
 * Wall time of `mlbuild --version` and `mlbuild log --limit 20` on a SQLite registry with
 * 10,000 builds (aim: under 0.3 s each). Run `npm run build` first, then:
 *   node --import tsx bench/log.ts
 */
const builds = Number(process.env.BENCH_BUILDS ?? 10_000);
const repetitions = 7;
const cli = path.resolve(import.meta.dirname, "..", "bin", "mlbuild.js");
const directory = mkdtempSync(path.join(os.tmpdir(), "mlbuild-bench-log-"));

const { workspace } = await initWorkspace({ registryDir: path.join(directory, ".mlbuild") });
const seeding = performance.now();
await seedBuilds(workspace.registry.db, builds);
console.log(`seeded ${builds} builds in ${((performance.now() - seeding) / 1000).toFixed(2)} s`);
await workspace.close();

function wallTime(args: string[]): number {
  const times: number[] = [];
  for (let index = 0; index < repetitions; index++) {
    const started = performance.now();
    execFileSync(process.execPath, [cli, ...args], { cwd: directory, stdio: "ignore" });
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
}

const nodeOnly = (() => {
  const times: number[] = [];
  for (let index = 0; index < repetitions; index++) {
    const started = performance.now();
    execFileSync(process.execPath, ["-e", "0"]);
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
})();
const version = wallTime(["--version"]);
const log = wallTime(["log", "--limit", "20"]);
console.log(`median of ${repetitions} runs, ${builds} builds in SQLite:`);
console.log(`  node -e 0 (process start)   ${nodeOnly.toFixed(3)} s`);
console.log(
  `  mlbuild --version           ${version.toFixed(3)} s  ` +
    `(${(version / nodeOnly).toFixed(1)}x node)`,
);
console.log(
  `  mlbuild log --limit 20      ${log.toFixed(3)} s  (${(log / nodeOnly).toFixed(1)}x node)`,
);
console.log(`  aim: under 0.300 s each: ${version < 0.3 && log < 0.3 ? "met" : "NOT met"}`);
