import path from "node:path";
import { initWorkspace, type Workspace } from "../../src/workspace.js";
import { temporaryDirectory } from "../helpers/cli.js";

/** A fresh `.mlbuild/` (SQLite registry and config.json) in a temporary folder. */
export async function temporaryWorkspace(): Promise<Workspace> {
  const root = path.join(temporaryDirectory("mlbuild-tracking-"), ".mlbuild");
  return (await initWorkspace({ registryDir: root })).workspace;
}
