import pc from "picocolors";
import { type MlbuildError, toMlbuildError } from "../errors.js";

type Colors = ReturnType<typeof pc.createColors>;

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
}

/**
 * Where the CLI writes. stdout carries exactly one JSON document with `--json` and nothing
 * otherwise; everything for people (results, progress, warnings, errors) goes to stderr.
 * Colours only on a terminal, never with NO_COLOR or --no-color.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly colors: Colors;
  readonly interactive: boolean;
  private readonly stdout: NodeJS.WritableStream;
  private readonly stderr: NodeJS.WritableStream;

  constructor(options: OutputOptions = {}) {
    const env = options.env ?? process.env;
    const stderr = options.stderr ?? process.stderr;
    this.json = options.json ?? false;
    this.quiet = options.quiet ?? false;
    this.verbose = options.verbose ?? false;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = stderr;
    this.interactive = Boolean((stderr as { isTTY?: boolean }).isTTY) && !env.CI;
    const colorWanted =
      options.color !== false &&
      !("NO_COLOR" in env) &&
      Boolean((stderr as { isTTY?: boolean }).isTTY);
    this.colors = pc.createColors(colorWanted);
  }

  /** The command's result: JSON on stdout with --json, else the human rendering on stderr. */
  result(value: unknown, render: () => string): void {
    if (this.json) {
      this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    } else if (!this.quiet) {
      this.stderr.write(`${render()}\n`);
    }
  }

  /** A line of narrative for people; silent with --quiet or --json. */
  info(message: string): void {
    if (!this.quiet && !this.json) this.stderr.write(`${message}\n`);
  }

  /** Shown unless --quiet; with --json they still reach people through stderr. */
  warn(message: string): void {
    if (!this.quiet) this.stderr.write(`${this.colors.yellow("Warning:")} ${message}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.stderr.write(`${this.colors.dim(message)}\n`);
  }

  /** Progress that rewrites one line; only on an interactive terminal. */
  progress(message: string): void {
    if (this.interactive && !this.quiet && !this.json) this.stderr.write(`\r\x1b[K${message}`);
  }

  clearProgress(): void {
    if (this.interactive && !this.quiet && !this.json) this.stderr.write("\r\x1b[K");
  }

  /** Prints an error in one or two lines (and the stack with --verbose); returns its exit code. */
  error(thrown: unknown): number {
    const error: MlbuildError = toMlbuildError(thrown);
    const label = this.colors.red(this.colors.bold("Error:"));
    this.stderr.write(`${label} ${error.message}\n`);
    if (error.hint) this.stderr.write(`${this.colors.dim("  hint:")} ${error.hint}\n`);
    if (this.verbose) {
      const stack = thrown instanceof Error ? thrown.stack : undefined;
      if (stack) this.stderr.write(`${this.colors.dim(stack)}\n`);
      const cause = (thrown as { cause?: unknown }).cause;
      if (cause instanceof Error && cause.stack) {
        this.stderr.write(`${this.colors.dim(`Caused by: ${cause.stack}`)}\n`);
      }
    }
    if (this.json) {
      const document = {
        error: {
          code: error.code,
          message: error.message,
          hint: error.hint ?? null,
          ...(error.details ?? {}),
        },
      };
      this.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    }
    return error.exitCode;
  }
}
