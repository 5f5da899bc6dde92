import { UsageError } from "../errors.js";
import type { RegistryPaths } from "../project.js";
import type { RunRecord } from "../registry/runs.js";
import { readWorkspaceConfig, writeWorkspaceConfig } from "../workspace.js";
import { runLabel, type Tracker } from "./tracker.js";

/**
 * The run that `run log-param`, `log-metric`, `attach-build` and `end` act on. Each working
 * copy remembers its current run in `.mlbuild/config.json`; `MLBUILD_RUN_ID` overrides it, so a
 * CI job can start a run in one step and log to it from others. The remembered run stays
 * remembered after it ends, so ending it twice, or logging to it once ended, says which run
 * ended rather than only that none is active.
 */

export const runIdVariable = "MLBUILD_RUN_ID";
const configKey = "currentRunId";

export type RunOrigin = typeof runIdVariable | "working copy";

export interface CurrentRun {
  run: RunRecord;
  origin: RunOrigin;
}

async function rememberedRunId(paths: RegistryPaths): Promise<string | undefined> {
  const value = (await readWorkspaceConfig(paths))[configKey];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

// TODO(config race): config.json is read, changed and rewritten without a lock, so two commands
// writing settings at the same instant could lose one write; and two `run start`s racing in one
// working copy could both pass the active-run check.
export async function rememberCurrentRun(paths: RegistryPaths, runId: string): Promise<void> {
  const config = await readWorkspaceConfig(paths);
  await writeWorkspaceConfig(paths, { ...config, [configKey]: runId });
}

/** The run named by `MLBUILD_RUN_ID`, else the working copy's; undefined when neither names one. */
export async function findCurrentRun(
  tracker: Tracker,
  paths: RegistryPaths,
  env: NodeJS.ProcessEnv,
): Promise<CurrentRun | undefined> {
  const fromEnvironment = env[runIdVariable]?.trim();
  if (fromEnvironment) {
    try {
      return { run: await tracker.resolveRun(fromEnvironment), origin: runIdVariable };
    } catch (error) {
      if ((error as { code?: string }).code !== "RUN_UNKNOWN") throw error;
      throw new UsageError("RUN_UNKNOWN", `${runIdVariable} names no run: '${fromEnvironment}'`, {
        hint: `Set ${runIdVariable} to an ID from \`mlbuild run list\`, or unset it.`,
      });
    }
  }

  const remembered = await rememberedRunId(paths);
  if (!remembered) return undefined;
  try {
    return { run: await tracker.resolveRun(remembered), origin: "working copy" };
  } catch {
    // The remembered run is gone (a registry reset): behave as if none was remembered.
    return undefined;
  }
}

/** The run to log to; an error that says how to start one when there is none. */
export async function requireCurrentRun(
  tracker: Tracker,
  paths: RegistryPaths,
  env: NodeJS.ProcessEnv,
): Promise<CurrentRun> {
  const current = await findCurrentRun(tracker, paths, env);
  if (!current) {
    throw new UsageError("RUN_NOT_ACTIVE", "No active run in this working copy", {
      hint:
        "Start one with `mlbuild run start --experiment NAME`, " +
        `or set ${runIdVariable} to a run's ID.`,
    });
  }
  return current;
}

/** Refuses to start a run while the current one is still running, naming it. */
export async function assertNoRunningRun(
  tracker: Tracker,
  paths: RegistryPaths,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const current = await findCurrentRun(tracker, paths, env);
  if (current?.run.status !== "running") return;
  const how =
    current.origin === runIdVariable
      ? `End it with \`mlbuild run end\`, or unset ${runIdVariable}.`
      : "End it first with `mlbuild run end [--status finished|failed|killed]`.";
  throw new UsageError(
    "RUN_ALREADY_ACTIVE",
    `Run ${runLabel(current.run)} is still active (started ${current.run.startedAt})`,
    { hint: how, details: { active_run_id: current.run.runId } },
  );
}
