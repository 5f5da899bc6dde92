/**
 * Runs a worker script of `src/runtime/` in a fresh Node.js process and talks to it over IPC.
 * A fresh process per measurement keeps the runtime's memory apart from the tool's, and lets a
 * crashing or hanging model fail without taking mlbuild down: a timeout kills the child, and
 * both end as a `RuntimeFailure` (exit 4) that says what happened.
 *
 * Protocol: the parent sends one request message; the child sends any number of
 * `{ type: "progress" }` messages, then exactly one `{ type: "result" }` or `{ type: "error" }`,
 * and exits. Messages use the "advanced" serialisation, so typed arrays cross as they are.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type MlbuildError, RuntimeFailure, UsageError } from "../errors.js";

/** An error as a child reports it: enough to rebuild the same `MlbuildError` in the parent. */
export interface WorkerError {
  kind: "usage" | "runtime";
  code: string;
  message: string;
  hint?: string;
}

export type WorkerMessage<Result, Progress = unknown> =
  | { type: "progress"; progress: Progress }
  | { type: "result"; result: Result }
  | { type: "error"; error: WorkerError };

export interface SpawnWorkerOptions<Progress> {
  /** Kill the child after this long; unset waits forever. */
  timeoutMs?: number;
  onProgress?: (progress: Progress) => void;
  /** Extra flags for the child's Node.js (e.g. `--expose-gc`). */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Under Vitest or tsx the sources run as `.ts`; the compiled package has `.js`. The child must
 * load the same flavour, through tsx for TypeScript.
 */
export function workerCommand(scriptName: string, nodeFlags: string[] = []): string[] {
  const fromSources = import.meta.url.endsWith(".ts");
  const script = path.join(here, `${scriptName}${fromSources ? ".ts" : ".js"}`);
  if (!existsSync(script)) throw new Error(`worker script ${script} does not exist`);
  if (!fromSources) return [...nodeFlags, script];
  // Resolved from here, not from the working directory, which may be any folder.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return ["--import", tsx, ...nodeFlags, script];
}

/** Rebuilds the error a child reported, with its original kind and code. */
export function fromWorkerError(error: WorkerError): MlbuildError {
  const options = error.hint ? { hint: error.hint } : {};
  return error.kind === "usage"
    ? new UsageError(error.code, error.message, options)
    : new RuntimeFailure(error.code, error.message, options);
}

/** The last few lines a child wrote to stderr, for the crash message. */
function tailOf(text: string, lines = 5): string {
  return text.trim().split("\n").slice(-lines).join(" | ").slice(-600);
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code}`;
}

/**
 * Spawns `src/runtime/<scriptName>`, sends it `request`, and resolves with its result. Rejects
 * with the child's own error, or with a `RuntimeFailure` when it crashes, exits without an
 * answer or runs past `timeoutMs`.
 */
export function spawnWorker<Request, Result, Progress = unknown>(
  scriptName: string,
  request: Request,
  options: SpawnWorkerOptions<Progress> = {},
): Promise<Result> {
  const child: ChildProcess = spawn(
    process.execPath,
    workerCommand(scriptName, options.nodeFlags),
    {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      env: options.env ?? process.env,
    },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });

  return new Promise<Result>((resolve, reject) => {
    let settled: { result: Result } | { error: MlbuildError } | undefined;
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);

    child.on("message", (message: WorkerMessage<Result, Progress>) => {
      if (message.type === "progress") options.onProgress?.(message.progress);
      else if (message.type === "result") settled = { result: message.result };
      else if (message.type === "error") settled = { error: fromWorkerError(message.error) };
    });
    child.on("error", (error) => {
      settled ??= {
        error: new RuntimeFailure(
          "WORKER_SPAWN_FAILED",
          `Could not start ${scriptName}: ${error.message}`,
          {
            hint: "Check that Node.js can start child processes here (ulimits, sandboxing).",
          },
        ),
      };
    });
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) {
        const seconds = (options.timeoutMs ?? 0) / 1000;
        reject(
          new RuntimeFailure(
            "WORKER_TIMEOUT",
            `${scriptName} ran past the ${seconds} s timeout and was stopped`,
            {
              hint: "Raise --timeout, or lower --runs/--duration; nothing was recorded.",
            },
          ),
        );
      } else if (settled && "result" in settled) resolve(settled.result);
      else if (settled) reject(settled.error);
      else {
        const tail = tailOf(stderr);
        reject(
          new RuntimeFailure(
            "WORKER_CRASHED",
            `${scriptName} ${describeExit(code, signal)}${tail ? `: ${tail}` : ""}`,
            {
              hint:
                "The runtime crashed on this model; nothing was recorded. Try " +
                "--verbose, or another target.",
            },
          ),
        );
      }
    });

    child.send(request as unknown as object, (error) => {
      if (error) child.kill("SIGKILL");
    });
  });
}

/** In a worker: reports progress to the parent (dropped when run without one). */
export function sendProgress<Progress>(progress: Progress): void {
  process.send?.({ type: "progress", progress } satisfies WorkerMessage<never, Progress>);
}

function toWorkerError(error: unknown): WorkerError {
  const known = error as Partial<MlbuildError> | undefined;
  if (known && typeof known.code === "string" && typeof known.exitCode === "number") {
    return {
      kind: known.exitCode === 2 ? "usage" : "runtime",
      code: known.code,
      message: known.message ?? String(error),
      hint: known.hint,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "runtime", code: "WORKER_FAILED", message };
}

/**
 * The worker side: waits for the one request, answers with `handle`'s result or error, and
 * exits once the answer has been delivered. If the parent goes away, so does the worker.
 */
export function serveWorker<Request, Result>(handle: (request: Request) => Promise<Result>): void {
  process.once("disconnect", () => process.exit(0));
  process.once("message", async (request: Request) => {
    let answer: WorkerMessage<Result>;
    try {
      answer = { type: "result", result: await handle(request) };
    } catch (error) {
      answer = { type: "error", error: toWorkerError(error) };
    }
    process.send?.(answer, undefined, {}, () => process.exit(0));
  });
}
