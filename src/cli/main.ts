import { Command, CommanderError } from "commander";
import { ExitCode } from "../errors.js";
import { mlbuildVersion } from "../runtime/versions.js";
import { commands } from "./commands/index.js";
import { runState } from "./context.js";

export function createProgram(): Command {
  const program = new Command("mlbuild")
    .description("Performance CI for machine-learning models")
    .version(mlbuildVersion(), "-V, --version")
    .option("--json", "print one JSON document on stdout")
    .option("-q, --quiet", "print nothing but errors")
    .option("-v, --verbose", "print debugging detail and stack traces")
    .option("--no-color", "never colour the output")
    .option("--registry <dir>", "use this registry folder instead of the nearest .mlbuild/")
    .option("--registry-url <url>", "use a PostgreSQL registry (postgres://USER@HOST/DB)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const register of commands) register(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and resolves to the exit code (see PRODUCT.md, "Exit codes"). */
export async function main(argv: string[]): Promise<number> {
  runState.exitCode = 0;
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return runState.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its one-line message (unknown flag, missing argument).
      const done = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return done.includes(error.code) || error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.internal;
  }
}
