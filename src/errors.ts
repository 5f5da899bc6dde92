/**
 * Every failure a user can meet is an `MlbuildError` with a stable `code`, a one-line message
 * that says what went wrong, and a `hint` that names the next step. The CLI maps `exitCode`
 * straight to the process exit status (see PRODUCT.md, "Exit codes").
 */

export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  badInput: 2,
  inconclusive: 3,
  internal: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable facts, printed with `--json`. */
  details?: Record<string, unknown>;
}

export class MlbuildError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, exitCode: ExitCodeValue, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MlbuildError";
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** Bad usage or bad input: exit 2. */
export class UsageError extends MlbuildError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, ExitCode.badInput, message, options);
    this.name = "UsageError";
  }
}

/** The tool itself or the runtime failed: exit 4. */
export class RuntimeFailure extends MlbuildError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, ExitCode.internal, message, options);
    this.name = "RuntimeFailure";
  }
}

export function isMlbuildError(error: unknown): error is MlbuildError {
  return error instanceof MlbuildError;
}

/** Wraps anything thrown into an `MlbuildError`, so callers have one shape to report. */
export function toMlbuildError(error: unknown): MlbuildError {
  if (isMlbuildError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const nodeCode = (error as { code?: unknown } | null)?.code;
  if (nodeCode === "ENOSPC") {
    return new RuntimeFailure("DISK_FULL", `No space left on device: ${message}`, {
      hint: "Free some disk space and run the command again; nothing was recorded.",
      cause: error,
    });
  }
  return new RuntimeFailure("INTERNAL", message, {
    hint: "This is a bug in mlbuild; run again with --verbose and report the stack trace.",
    cause: error,
  });
}
