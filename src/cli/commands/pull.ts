import type { Command } from "commander";
import type { Prefer } from "../../remote/tag-merge.js";
import { action } from "../context.js";
import { preferOption, reportTransfer } from "./transfer-common.js";

export function registerPull(program: Command): void {
  program
    .command("pull")
    .description("fetch a build (or a tag with its history) from a remote, verified by hash")
    .argument("<ref>", "a tag, a build ID or a unique prefix of one, as the remote knows them")
    .option("--remote <name>", "the remote (default: the default remote)")
    .option("--prefer <side>", "when a tag moved on both sides: local or remote", preferOption)
    .action(
      action(async (context, reference: string, options: { remote?: string; prefer?: Prefer }) => {
        const { openConfiguredRemote } = await import("../../remote/config.js");
        const { pull } = await import("../../remote/transfer.js");
        const workspace = await context.workspace();
        const { name, remote } = await openConfiguredRemote(workspace.paths, options.remote);
        try {
          const result = await pull(workspace, remote, reference, {
            prefer: options.prefer,
            progress: (message) => context.output.debug(message),
          });
          return reportTransfer(context, name, result, { up: false, down: true });
        } finally {
          await remote.close();
        }
      }),
    );
}
