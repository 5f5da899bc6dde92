import { execFileSync, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/registry/migrations.js";
import { PostgresDatabase } from "../../src/registry/postgres-database.js";
import { SqlRegistry } from "../../src/registry/registry.js";
import { parseJson, repositoryRoot, runCli, temporaryDirectory } from "../helpers/cli.js";
import { testPostgresUrl } from "../helpers/postgres.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const serverScript = path.join(repositoryRoot, "scripts", "postgres-test-server.sh");

interface ErrorDocument {
  error: { code: string; message: string; hint: string };
}

describe("PostgreSQL faults", () => {
  it("reports a wrong password clearly and never prints it", async () => {
    const url = new URL(testPostgresUrl());
    url.password = "not-the-password-4711";
    const result = await runCli(["log", "--json", "--verbose"], {
      cwd: temporaryDirectory(),
      env: { MLBUILD_REGISTRY_URL: url.toString() },
    });

    expect(result.code).toBe(2);
    expect(parseJson<ErrorDocument>(result).error.code).toBe("REGISTRY_AUTH_FAILED");
    expect(result.stdout + result.stderr).not.toContain("not-the-password-4711");
  });

  it("gives up on a host that never answers after the connect timeout", async () => {
    // A server that accepts connections and then says nothing, as a firewalled port can.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const url = `postgres://mlbuild:secret-4711@127.0.0.1:${port}/db?connect_timeout=1`;
    const result = await runCli(["--registry-url", url, "tag", "list"], {
      cwd: temporaryDirectory(),
    });
    silent.close();

    expect(result.code).toBe(4);
    expect(result.stderr).toContain("Cannot reach PostgreSQL at postgres://mlbuild@127.0.0.1");
    expect(result.stderr).not.toContain("secret-4711");
  });

  describe("a server that restarts mid-command", () => {
    let directory: string;
    let url: string;

    beforeAll(() => {
      const exports = execFileSync("bash", [serverScript, "start"], { encoding: "utf8" });
      url = /MLBUILD_TEST_POSTGRES_URL=(\S+)/.exec(exports)?.[1] ?? "";
      directory = /MLBUILD_TEST_POSTGRES_DIR=(\S+)/.exec(exports)?.[1] ?? "";
    });
    afterAll(() => {
      if (directory) execFileSync("bash", [serverScript, "stop", directory]);
    });

    it("either retries or fails cleanly, and leaves no partial records", async () => {
      const db = await PostgresDatabase.open(url);
      await migrate(db);
      const registry = new SqlRegistry(db);
      const worker = spawn(
        process.execPath,
        ["--import", "tsx", path.join(here, "restart-worker.ts"), url, "150"],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      worker.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      const exited = new Promise((resolve) => worker.on("close", resolve));
      await new Promise((resolve) => worker.stderr.once("data", resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
      execFileSync("bash", [serverScript, "restart", directory]);
      const exitCode = await exited;
      const report = JSON.parse(stdout) as { done: number; error: string | null };

      expect(exitCode).toBe(0);

      expect([null, "REGISTRY_UNREACHABLE"]).toContain(report.error);
      expect(report.done).toBeGreaterThan(0);
      const orphans = await registry.db.all(
        "SELECT build_id FROM builds WHERE build_id NOT IN (SELECT build_id FROM benchmarks)",
      );
      expect(orphans).toEqual([]);
      const history = await registry.tags.history("latest");
      for (let index = 1; index < history.length; index++) {
        expect(history[index].seq).toBe(index + 1);
        expect(history[index].previousBuildId).toBe(history[index - 1].buildId);
      }
      await registry.close();
    });
  });
});
