import type { Command } from "commander";
import { action } from "../context.js";

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("create the .mlbuild/ registry here (running it again changes nothing)")
    .action(
      action(async (context) => {
        const { initWorkspace } = await import("../../workspace.js");
        const { workspace, created } = await initWorkspace(context.workspaceOptions);
        context.adopt(workspace);
        const root = workspace.paths.root;
        context.output.result({ registry: root, created }, () =>
          created
            ? `Initialised an empty mlbuild registry in ${root}`
            : `Registry already exists in ${root}; nothing changed`,
        );
        return 0;
      }),
    );
}
