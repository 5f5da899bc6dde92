import type { Command } from "commander";
import type { Prefer } from "../../remote/tag-merge.js";
import { action } from "../context.js";
import { preferOption, reportTransfer } from "./transfer-common.js";

interface SyncOptions {
  remote?: string;
  prefer?: Prefer;
  dryRun?: boolean;
}

export function registerSync(program: Command): void {
  program
    .command("sync")
    .description("push and pull everything that differs, from one listing of the remote")
    .option("--remote <name>", "the remote (default: the default remote)")
    .option("--dry-run", "show what would move; change nothing")
    .option("--prefer <side>", "when a tag moved on both sides: local or remote", preferOption)
    .action(
      action(async (context, options: SyncOptions) => {
        const { openConfiguredRemote } = await import("../../remote/config.js");
        const { sync } = await import("../../remote/transfer.js");
        const workspace = await context.workspace();
        const { name, remote } = await openConfiguredRemote(workspace.paths, options.remote);
        try {
          const result = await sync(workspace, remote, {
            prefer: options.prefer,
            dryRun: options.dryRun,
            progress: (message) => context.output.debug(message),
          });
          return reportTransfer(context, name, result, { up: true, down: true });
        } finally {
          await remote.close();
        }
      }),
    );
}
