import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createServer } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3Remote } from "../../src/remote/s3-remote.js";
import { openWorkspace } from "../../src/workspace.js";
import { cliPath, parseJson, runCli, snapshotTree, temporaryDirectory } from "../helpers/cli.js";
import {
  addDirectoryRemote,
  freshWorkspace,
  type S3Server,
  s3Credentials,
  seedBenchmark,
  seedBuild,
  startS3rver,
  tagBuild,
} from "./helpers.js";

/** What the interceptor should do with the next request that matches. */
let interceptor:
  | ((url: string, method: string, kill: () => void, response: ServerResponse) => "pass" | "hang")
  | undefined;
let child: ChildProcess | undefined;
let server: S3Server;
const env = { ...s3Credentials, AWS_REGION: "us-east-1" };

beforeAll(async () => {
  server = await startS3rver(["models"], (request, response) => {
    const verdict = interceptor?.(
      request.url ?? "",
      request.method ?? "",
      () => child?.kill("SIGKILL"),
      response,
    );
    if (verdict !== "hang") return false;
    // Keep the socket open until the killed client goes away: the server never answers.
    response.on("close", () => undefined);
    return true;
  });
});
afterAll(async () => {
  await server.close();
});

/** A registry with `count` builds of `size` bytes, a benchmark and a tag, made by code. */
async function seededRegistry(count: number, size: number, seed: string): Promise<string> {
  const workspace = await freshWorkspace();
  for (let index = 0; index < count; index++) {
    const build = await seedBuild(workspace, `${seed}-${index}`, size);
    await seedBenchmark(workspace, build.buildId, `${seed}-bench-${index}`);
    if (index === count - 1) await tagBuild(workspace, "production", build.buildId);
  }
  await workspace.close();
  return workspace.paths.root;
}

async function emptyRegistry(): Promise<string> {
  const workspace = await freshWorkspace();
  await workspace.close();
  return workspace.paths.root;
}

async function addS3Remote(registry: string, prefix: string, endpoint = server.endpoint) {
  const added = await runCli([
    "--registry",
    registry,
    "remote",
    "add",
    "origin",
    "--backend",
    "s3",
    "--bucket",
    "models",
    "--prefix",
    prefix,
    "--endpoint",
    endpoint,
    "--default",
  ]);
  expect(added.code, added.stderr).toBe(0);
}

function mlbuild(registry: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return runCli(["--registry", registry, "--json", ...args], { env: { ...env, ...extraEnv } });
}

/** Starts the CLI so the interceptor can kill it mid-transfer; resolves when it exits. */
function startCli(registry: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    child = spawn(process.execPath, [cliPath, "--registry", registry, ...args], {
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: "ignore",
    });
    child.on("close", (code) => resolve(code));
  });
}

async function remoteObjectCount(prefix: string): Promise<number> {
  process.env.AWS_ACCESS_KEY_ID = s3Credentials.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = s3Credentials.AWS_SECRET_ACCESS_KEY;
  const remote = new S3Remote({ bucket: "models", prefix, endpoint: server.endpoint });
  const objects = await remote.list("objects/");
  await remote.close();
  return objects.length;
}

describe("push and pull through a real S3 server (s3rver)", () => {
  it(
    "round-trips a tag with its build, artifact, benchmarks and history; pushing again " +
      "sends nothing",
    async () => {
      const source = await seededRegistry(2, 20_000, "round");
      const target = await emptyRegistry();
      await addS3Remote(source, "round");
      await addS3Remote(target, "round");

      const pushed = await mlbuild(source, ["push", "--all"]);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(parseJson<{ uploaded: { objects: number } }>(pushed).uploaded.objects).toBe(2);
      const again = parseJson<{ uploaded: Record<string, number> }>(
        await mlbuild(source, ["push", "--all"]),
      );
      expect(again.uploaded).toMatchObject({ objects: 0, builds: 0, benchmarks: 0, tagMoves: 0 });

      const pulled = await mlbuild(target, ["pull", "production"]);
      expect(pulled.code, pulled.stderr).toBe(0);
      const here = await openWorkspace({ registryDir: source });
      const there = await openWorkspace({ registryDir: target });
      const original = await here.registry.resolve("production");
      const copy = await there.registry.resolve("production");
      expect(copy).toEqual(original);
      expect(await there.store.read(copy.artifactHash)).toEqual(
        await here.store.read(original.artifactHash),
      );
      const [benchmark] = await here.registry.benchmarks.forBuild(original.buildId);
      expect((await there.registry.benchmarks.get(benchmark.benchmarkId))?.samples).toEqual(
        benchmark.samples,
      );
      await here.close();
      await there.close();
    },
  );

  it("resumes a push killed halfway, sending only the objects still missing", async () => {
    const source = await seededRegistry(4, 3_000_000, "resume");
    await addS3Remote(source, "resume");
    let objectPuts = 0;
    interceptor = (url, method, kill) => {
      if (method !== "PUT" || !url.includes("/objects/sha256/")) return "pass";
      objectPuts += 1;
      if (objectPuts < 3) return "pass";
      kill();
      return "hang";
    };
    const killed = await startCli(source, ["push", "--all"]);
    interceptor = undefined;
    expect(killed).not.toBe(0);

    const alreadyThere = await remoteObjectCount("resume");
    expect(alreadyThere).toBeGreaterThanOrEqual(1);
    expect(alreadyThere).toBeLessThan(4);
    const resumed = parseJson<{ uploaded: { objects: number; builds: number } }>(
      await mlbuild(source, ["push", "--all"]),
    );
    expect(resumed.uploaded.objects).toBe(4 - alreadyThere);
    expect(await remoteObjectCount("resume")).toBe(4);
  });

  it(
    "leaves nothing half-written when a pull is killed halfway, " + "and the next pull completes",
    async () => {
      const source = await seededRegistry(1, 2_000_000, "halfpull");
      const target = await emptyRegistry();
      await addS3Remote(source, "halfpull");
      await addS3Remote(target, "halfpull");
      expect((await mlbuild(source, ["push", "production"])).code).toBe(0);

      // Half of the artifact's bytes arrive, then the puller dies mid-stream.
      interceptor = (url, method, kill, response) => {
        if (method !== "GET" || !url.includes("/objects/sha256/")) return "pass";
        response.writeHead(200, { "content-length": "2000000" });
        response.write(Buffer.alloc(1_000_000, 1), () => setTimeout(kill, 300));
        return "hang";
      };
      const before = snapshotTree(path.join(target, "objects"));
      expect(await startCli(target, ["pull", "production"])).not.toBe(0);
      interceptor = undefined;

      expect(snapshotTree(path.join(target, "objects"))).toEqual(before);
      expect(parseJson<unknown[]>(await mlbuild(target, ["log"]))).toEqual([]);
      const retried = await mlbuild(target, ["pull", "production"]);
      expect(retried.code, retried.stderr).toBe(0);
      expect(parseJson<unknown[]>(await mlbuild(target, ["log"]))).toHaveLength(1);
    },
  );

  it("gives up on an unreachable endpoint after bounded retries, with a clear error", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const source = await seededRegistry(1, 1000, "unreachable");
    await addS3Remote(source, "x", `http://127.0.0.1:${closedPort}`);
    const before = snapshotTree(source);
    const result = await mlbuild(source, ["push", "production"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /Cannot reach the remote .* after 4 attempts \(connect ECONNREFUSED/,
    );
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe("REMOTE_UNREACHABLE");
    expect(snapshotTree(source)).toEqual(before);
  });

  it("says so when the credentials are wrong, without printing them", async () => {
    const source = await seededRegistry(1, 1000, "creds");
    await addS3Remote(source, "creds");
    const secret = "not-the-secret-key-1234";
    const result = await mlbuild(source, ["push", "production"], {
      AWS_ACCESS_KEY_ID: "WRONGKEY",
      AWS_SECRET_ACCESS_KEY: secret,
    });
    expect(result.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe(
      "REMOTE_CREDENTIALS_REJECTED",
    );
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(readdirSync(source)).not.toContain("credentials");
  });

  it("says so when the bucket does not exist", async () => {
    const source = await seededRegistry(1, 1000, "bucket");
    const added = await runCli([
      "--registry",
      source,
      "remote",
      "add",
      "origin",
      "--backend",
      "s3",
      "--bucket",
      "no-such-bucket",
      "--endpoint",
      server.endpoint,
    ]);
    expect(added.code).toBe(0);
    const result = await mlbuild(source, ["push", "production"]);
    expect(result.code).toBe(2);
    expect(parseJson<{ error: { code: string } }>(result).error.code).toBe("REMOTE_BUCKET_MISSING");
    expect(existsSync(path.join(server.directory, "no-such-bucket"))).toBe(false);
  });
});

describe("remote configuration", () => {
  it(
    "adds, lists, switches and removes remotes, and rejects bad options without " +
      "changing config",
    async () => {
      const registry = await emptyRegistry();
      const directory = temporaryDirectory("mlbuild-remote-dir-");
      expect((await addDirectoryRemote(registry, "shared", directory)).code).toBe(0);
      await addS3Remote(registry, "p");
      const listed = parseJson<Array<{ name: string; default: boolean }>>(
        await runCli(["--registry", registry, "--json", "remote", "list"]),
      );
      expect(listed.map((remote) => [remote.name, remote.default])).toEqual([
        ["origin", true],
        ["shared", false],
      ]);

      const before = snapshotTree(registry);
      const bad = await runCli([
        "--registry",
        registry,
        "remote",
        "add",
        "x",
        "--backend",
        "s3",
        "--path",
        "/tmp",
      ]);
      expect(bad.code).toBe(2);
      const duplicate = await addDirectoryRemote(registry, "shared", "/tmp");
      expect(duplicate.code).toBe(2);
      expect(duplicate.stderr).toContain("already exists");
      expect(snapshotTree(registry)).toEqual(before);

      expect((await runCli(["--registry", registry, "remote", "set-default", "shared"])).code).toBe(
        0,
      );
      expect((await runCli(["--registry", registry, "remote", "remove", "origin"])).code).toBe(0);
      const after = parseJson<Array<{ name: string; default: boolean }>>(
        await runCli(["--registry", registry, "--json", "remote", "list"]),
      );
      expect(after).toEqual([{ name: "shared", backend: "local", path: directory, default: true }]);
    },
  );
});

describe("the S3 backend", () => {
  it("lists past the server's page size of 1,000 keys", async () => {
    process.env.AWS_ACCESS_KEY_ID = s3Credentials.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = s3Credentials.AWS_SECRET_ACCESS_KEY;
    const remote = new S3Remote({ bucket: "models", prefix: "paged", endpoint: server.endpoint });
    const keys = Array.from(
      { length: 1005 },
      (_, index) => `many/${String(index).padStart(5, "0")}`,
    );
    for (let start = 0; start < keys.length; start += 25) {
      await Promise.all(
        keys
          .slice(start, start + 25)
          .map((key) => remote.put(key, Readable.from([Buffer.from(key)]))),
      );
    }
    const listed = await remote.list("many/");
    expect(listed.map((entry) => entry.key)).toEqual(keys);
    await remote.close();
  });
});
