import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const postgresScript = path.join(repositoryRoot, "scripts", "postgres-test-server.sh");

function postgresInstalled(): boolean {
  if (process.env.POSTGRES_BIN) return existsSync(path.join(process.env.POSTGRES_BIN, "initdb"));
  const debian = "/usr/lib/postgresql";
  return (
    existsSync(debian) &&
    readdirSync(debian).some((version) => existsSync(path.join(debian, version, "bin", "initdb")))
  );
}

/**
 * Runs once before all test files. When no PostgreSQL is given (MLBUILD_TEST_POSTGRES_URL) and
 * the server binaries are installed, starts a throwaway one for the PostgreSQL half of the
 * suite. When neither, those tests fail (never skip) with a message saying how to provide one.
 */
export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.MLBUILD_TEST_POSTGRES_URL || !postgresInstalled()) return undefined;

  const exports = execFileSync("bash", [postgresScript, "start"], { encoding: "utf8" });
  for (const line of exports.split("\n")) {
    const match = /^export (\w+)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1]] = match[2];
  }
  const directory = process.env.MLBUILD_TEST_POSTGRES_DIR;
  return () => {
    execFileSync("bash", [postgresScript, "stop", directory ?? ""], { stdio: "ignore" });
  };
}
