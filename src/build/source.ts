import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { UsageError } from "../errors.js";

const run = promisify(execFile);

/** A model as named on the command line: a file, or `git:REV:PATH` at a Git revision. */
export type ModelSource =
  | { kind: "file"; path: string; label: string }
  | { kind: "git"; revision: string; path: string; label: string };

export function parseModelSource(spec: string, cwd = process.cwd()): ModelSource {
  if (!spec.startsWith("git:")) {
    return { kind: "file", path: path.resolve(cwd, spec), label: spec };
  }
  const match = /^git:([^:]+):(.+)$/.exec(spec);
  if (!match) {
    throw new UsageError("MODEL_SOURCE_INVALID", `'${spec}' is not of the form git:REV:PATH`, {
      hint: "For example: git:origin/main:models/model.onnx",
    });
  }
  return { kind: "git", revision: match[1], path: match[2], label: spec };
}

/**
 * Reads a file as it is at a Git revision. Paths are taken relative to the working directory,
 * as `git show REV:./PATH` does.
 */
export async function readGitFile(
  revision: string,
  file: string,
  cwd = process.cwd(),
): Promise<Buffer> {
  const gitPath = file.startsWith("/") ? file.slice(1) : `./${file}`;
  try {
    const { stdout } = await run("git", ["show", `${revision}:${gitPath}`], {
      cwd,
      encoding: "buffer",
      maxBuffer: 4 * 1024 ** 3,
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim();
    throw new UsageError(
      "GIT_SOURCE_UNREADABLE",
      `Cannot read ${file} at revision '${revision}': ${stderr.split("\n")[0] || "git failed"}`,
      { hint: "Check the revision exists here (`git fetch` it first in CI) and the path." },
    );
  }
}
