import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import S3rver from "s3rver";
import type { BenchmarkRecord, BuildRecord } from "../../src/registry/records.js";
import { initWorkspace, type Workspace } from "../../src/workspace.js";
import { type CliResult, runCli, temporaryDirectory } from "../helpers/cli.js";

/** Registries and remotes for the remote tests, built by code: no model runtime needed. */

export async function freshWorkspace(): Promise<Workspace> {
  const directory = temporaryDirectory("mlbuild-remote-");
  const { workspace } = await initWorkspace({ registryDir: path.join(directory, ".mlbuild") });
  return workspace;
}

function hashOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Deterministic bytes of any size, so two registries can hold the "same" artifact. */
export function artifactBytes(seed: string, size = 4096): Buffer {
  const bytes = Buffer.alloc(size);
  let block = createHash("sha256").update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(bytes, offset);
    block = createHash("sha256").update(block).digest();
  }
  return bytes;
}

/** A build whose artifact is `size` bytes derived from `seed`, recorded as `build` would. */
export async function seedBuild(
  workspace: Workspace,
  seed: string,
  size = 4096,
): Promise<BuildRecord> {
  const stored = await workspace.store.putBytes(artifactBytes(seed, size));
  const build: BuildRecord = {
    buildId: hashOf(`build:${seed}`),
    createdAt: new Date(Date.UTC(2024, 0, 1) + seed.length * 1000).toISOString(),
    name: seed,
    notes: null,
    sourceHash: hashOf(`source:${seed}`),
    sourceLabel: `${seed}.onnx`,
    target: "cpu",
    quantization: "fp32",
    config: { target: "cpu", quantize: "fp32" },
    toolchain: { mlbuild: "test" },
    artifactHash: stored.hash,
    artifactSize: stored.size,
    artifactLocation: "local",
    summary: { seed },
    accuracy: null,
  };
  await workspace.registry.transaction((tx) => workspace.registry.builds.insert(build, tx));
  return build;
}

export async function seedBenchmark(workspace: Workspace, buildId: string, seed: string) {
  const samples = Float64Array.from({ length: 50 }, (_, index) => 1 + index / 7 + seed.length / 3);
  const record: BenchmarkRecord = {
    benchmarkId: hashOf(`benchmark:${seed}`).slice(0, 32),
    buildId,
    createdAt: "2024-02-01T00:00:00.000Z",
    kind: "benchmark",
    testbedHash: "testbed",
    testbed: { cpu: "test" },
    config: { runs: 50 },
    summary: { p50_ms: 4 },
    samples,
    warmupSamples: Float64Array.of(9.5, Math.PI),
  };
  await workspace.registry.transaction((tx) => workspace.registry.benchmarks.insert(record, tx));
  return record;
}

/** `mlbuild remote add NAME --backend local --path DIRECTORY` on a registry, through the CLI. */
export function addDirectoryRemote(
  registry: string,
  name: string,
  directory: string,
): Promise<CliResult> {
  const args = ["remote", "add", name, "--backend", "local", "--path", directory];
  return runCli(["--registry", registry, ...args]);
}

export async function tagBuild(workspace: Workspace, name: string, buildId: string) {
  await workspace.registry.transaction((tx) =>
    workspace.registry.tags.set(tx, name, buildId, { force: true }),
  );
}

export const s3Credentials = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

export interface S3Server {
  endpoint: string;
  directory: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver) on 127.0.0.1 with a random port and a temporary directory.
 * `intercept` sees every request first; returning true means it answered (or killed) it.
 */
export async function startS3rver(
  buckets: string[],
  intercept?: (
    request: import("node:http").IncomingMessage,
    response: import("node:http").ServerResponse,
  ) => boolean,
): Promise<S3Server> {
  const directory = temporaryDirectory("mlbuild-s3rver-");
  const s3rver = new S3rver({
    silent: process.env.S3RVER_LOG === undefined,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  await s3rver.configureBuckets();
  const handler = s3rver.callback();
  const server = createServer((request, response) => {
    if (intercept?.(request, response)) return;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
