import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { Prefer } from "../../remote/tag-merge.js";
import { action } from "../context.js";
import { preferOption, reportTransfer } from "./transfer-common.js";

interface PushOptions {
  all?: boolean;
  remote?: string;
  prefer?: Prefer;
}

export function registerPush(program: Command): void {
  program
    .command("push")
    .description("send a build (or a tag with its history, or --all) to a remote")
    .argument("[ref]", "a tag, a build ID or a unique prefix of one")
    .option("--all", "every build, benchmark, tag and run")
    .option("--remote <name>", "the remote (default: the default remote)")
    .option("--prefer <side>", "when a tag moved on both sides: local or remote", preferOption)
    .action(
      action(async (context, reference: string | undefined, options: PushOptions) => {
        if (!reference === !options.all) {
          throw new UsageError(
            "PUSH_TARGET_INVALID",
            "Give either a REF or --all, not both or neither",
            {
              hint: "For example: `mlbuild push production` or `mlbuild push --all`.",
            },
          );
        }
        const { openConfiguredRemote } = await import("../../remote/config.js");
        const { push } = await import("../../remote/transfer.js");
        const workspace = await context.workspace();
        const { name, remote } = await openConfiguredRemote(workspace.paths, options.remote);
        try {
          const result = await push(
            workspace,
            remote,
            options.all ? "--all" : (reference as string),
            {
              prefer: options.prefer,
              progress: (message) => context.output.debug(message),
            },
          );
          return reportTransfer(context, name, result, {
            up: true,
            down: result.downloaded.builds > 0,
          });
        } finally {
          await remote.close();
        }
      }),
    );
}
