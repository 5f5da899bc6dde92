import type { Command } from "commander";
import type { Workspace, WorkspaceOptions } from "../workspace.js";
import { Output } from "./output.js";

export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  registry?: string;
  registryUrl?: string;
}

/** What every command's action gets: where to write, and the registry it works on. */
export class CommandContext {
  readonly output: Output;
  readonly workspaceOptions: WorkspaceOptions;
  private opened: Workspace | undefined;

  constructor(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
    this.output = new Output({
      json: globals.json,
      quiet: globals.quiet,
      verbose: globals.verbose,
      color: globals.color,
      env,
    });
    this.workspaceOptions = {
      registryDir: globals.registry,
      registryUrl: globals.registryUrl,
      env,
    };
  }

  /** Opens the registry once per command; closed by the runner when the action ends. */
  async workspace(): Promise<Workspace> {
    if (!this.opened) {
      const { openWorkspace } = await import("../workspace.js");
      this.opened = await openWorkspace(this.workspaceOptions);
    }
    return this.opened;
  }

  adopt(workspace: Workspace): void {
    this.opened = workspace;
  }

  async close(): Promise<void> {
    await this.opened?.close();
    this.opened = undefined;
  }
}

/** The exit code of the action that ran; `main` returns it. */
export const runState = { exitCode: 0 };

type Handler<Args extends unknown[]> = (
  context: CommandContext,
  ...args: Args
) => Promise<number | undefined> | number | undefined;

/**
 * Wraps a command's handler: builds the context from the global options, runs it, maps any
 * error to its one-line message and exit code, and always closes the registry.
 */
export function action<Args extends unknown[]>(handler: Handler<Args>) {
  return async (...commanderArgs: unknown[]): Promise<void> => {
    const command = commanderArgs[commanderArgs.length - 1] as Command;
    const context = new CommandContext(command.optsWithGlobals<GlobalOptions>());
    try {
      runState.exitCode = (await handler(context, ...(commanderArgs.slice(0, -1) as Args))) ?? 0;
    } catch (error) {
      runState.exitCode = context.output.error(error);
    } finally {
      await context.close().catch(() => undefined);
    }
  };
}
