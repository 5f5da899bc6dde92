/**
 * Remote storage figures: push and pull throughput of one big artifact to a directory remote and
 * to a local S3 server (s3rver), peak RSS of the pushing process, and `sync` time when 1,000
 * builds are already in step.
 *
 *   node --import tsx bench/remote.ts [--size-mb 1024] [--builds 1000]
 *
 * Each transfer runs the real CLI (`npm run build` first) in a child process, so its peak RSS
 * (VmHWM, polled from /proc) is its own.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { RemoteConfig } from "../src/remote/config.js";
import { readWorkspaceConfig, type Workspace, writeWorkspaceConfig } from "../src/workspace.js";
import { freshWorkspace, seedBuild, startS3rver, tagBuild } from "../test/remote/helpers.js";

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/mlbuild.js");

interface ChildReport {
  seconds: number;
  peakRssMb: number;
  objects: number;
}

/** Peak resident memory so far (VmHWM), read from /proc while the child runs. */
function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Runs the real CLI (`npm run build` first) and watches its peak RSS until it exits. */
function child(registry: string, args: string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, [cli, "--registry", registry, "--json", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: process.env,
    });
    let peak = 0;
    const watch = setInterval(() => {
      peak = Math.max(peak, peakRssMb(proc.pid ?? 0));
    }, 20);
    let output = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      peak = Math.max(peak, peakRssMb(proc.pid ?? 0));
    });
    proc.on("exit", () => {
      clearInterval(watch);
    });
    proc.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`mlbuild ${args.join(" ")} exited with ${code}`));
      const result = JSON.parse(output) as {
        uploaded?: { objects: number };
        downloaded?: { objects: number };
      };
      const objects = args[0] === "pull" ? result.downloaded?.objects : result.uploaded?.objects;
      resolve({ seconds, peakRssMb: peak, objects: objects ?? 0 });
    });
  });
}

async function withRemote(workspace: Workspace, remote: RemoteConfig): Promise<string> {
  const config = await readWorkspaceConfig(workspace.paths);
  await writeWorkspaceConfig(workspace.paths, {
    ...config,
    remotes: { bench: remote },
    defaultRemote: "bench",
  });
  return workspace.paths.root;
}

/** A big artifact streamed into the store, 1 MiB of random bytes repeated. */
async function bigBuildRegistry(sizeMb: number): Promise<Workspace> {
  const workspace = await freshWorkspace();
  const block = randomBytes(1024 * 1024);
  const stored = await workspace.store.putStream(
    Readable.from(
      (function* () {
        for (let index = 0; index < sizeMb; index++) yield block;
      })(),
    ),
  );
  const seed = await seedBuild(workspace, "seed", 16);
  const build = {
    ...seed,
    buildId: "b".repeat(64),
    artifactHash: stored.hash,
    artifactSize: stored.size,
  };
  await workspace.registry.transaction((tx) => workspace.registry.builds.insert(build, tx));
  await tagBuild(workspace, "big", build.buildId);
  return workspace;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      "size-mb": { type: "string", default: "1024" },
      builds: { type: "string", default: "1000" },
    },
  });
  const sizeMb = Number(values["size-mb"]);
  const buildCount = Number(values.builds);
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  const scratch = mkdtempSync(path.join(os.tmpdir(), "mlbuild-bench-remote-"));
  const s3 = await startS3rver(["bench"]);

  try {
    const source = await bigBuildRegistry(sizeMb);
    const remotes: Array<[string, RemoteConfig]> = [
      ["directory", { backend: "local", path: path.join(scratch, "remote") }],
      ["s3rver", { backend: "s3", bucket: "bench", endpoint: s3.endpoint, prefix: "big" }],
    ];
    const idle = await child(source.paths.root, ["remote", "list"]);
    console.log(
      `artifact: ${sizeMb} MiB; the CLI doing nothing peaks at ${idle.peakRssMb.toFixed(0)} MB RSS`,
    );
    for (const [label, remote] of remotes) {
      const pushed = await child(await withRemote(source, remote), ["push", "--all"]);
      const target = await freshWorkspace();
      const pulled = await child(await withRemote(target, remote), ["pull", "big"]);
      await target.close();
      console.log(
        `${label.padEnd(9)} push ${(sizeMb / pushed.seconds).toFixed(1)} MB/s ` +
          `(${pushed.seconds.toFixed(1)} s, ` +
          `peak RSS ${pushed.peakRssMb.toFixed(0)} MB)   ` +
          `pull ${(sizeMb / pulled.seconds).toFixed(1)} MB/s ` +
          `(${pulled.seconds.toFixed(1)} s, peak RSS ${pulled.peakRssMb.toFixed(0)} MB)`,
      );
      rmSync(target.paths.root, { recursive: true, force: true });
    }
    await source.close();

    const many = await freshWorkspace();
    for (let index = 0; index < buildCount; index++) await seedBuild(many, `sync-${index}`, 256);
    for (const [label, remote] of [
      ["directory", { backend: "local", path: path.join(scratch, "sync-remote") }],
      ["s3rver", { backend: "s3", bucket: "bench", endpoint: s3.endpoint, prefix: "sync" }],
    ] as Array<[string, RemoteConfig]>) {
      const registry = await withRemote(many, remote);
      const first = await child(registry, ["sync"]);
      const again = await child(registry, ["sync"]);
      const idleCli = await child(registry, ["remote", "list"]);
      console.log(
        `${label.padEnd(9)} sync of ${buildCount} builds: first ${first.seconds.toFixed(2)} s ` +
          `(${first.objects} objects sent), unchanged ${again.seconds.toFixed(2)} s ` +
          `(${again.objects} sent; CLI start-up alone ${idleCli.seconds.toFixed(2)} s)`,
      );
    }
    await many.close();
  } finally {
    await s3.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
