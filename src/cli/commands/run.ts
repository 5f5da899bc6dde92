import type { Command } from "commander";
import type { EndStatus } from "../../registry/runs.js";
import type { CurrentRun } from "../../tracking/active-run.js";
import type { Tracker } from "../../tracking/tracker.js";
import type { Workspace } from "../../workspace.js";
import { action, type CommandContext } from "../context.js";
import { oneOf, positiveInteger } from "../parse.js";
import { shortId } from "../table.js";

const endStatuses = ["finished", "failed", "killed"] as const satisfies readonly EndStatus[];

interface Tracking {
  workspace: Workspace;
  tracker: Tracker;
  env: NodeJS.ProcessEnv;
}

async function openTracking(context: CommandContext): Promise<Tracking> {
  const { Tracker } = await import("../../tracking/tracker.js");
  const workspace = await context.workspace();
  const env = context.workspaceOptions.env ?? process.env;
  return { workspace, tracker: new Tracker(workspace.registry), env };
}

/** The run that logging commands act on: `MLBUILD_RUN_ID`, else the working copy's. */
async function currentRun(tracking: Tracking): Promise<CurrentRun> {
  const { requireCurrentRun } = await import("../../tracking/active-run.js");
  return requireCurrentRun(tracking.tracker, tracking.workspace.paths, tracking.env);
}

function registerStart(run: Command): void {
  run
    .command("start")
    .description("start a run; later run commands in this working copy log to it")
    .requiredOption("-e, --experiment <name>", "the experiment (created if it does not exist)")
    .option("--name <name>", "a name for people")
    .action(
      action(async (context, options: { experiment: string; name?: string }) => {
        const tracking = await openTracking(context);
        const activeRun = await import("../../tracking/active-run.js");
        const { paths } = tracking.workspace;
        await activeRun.assertNoRunningRun(tracking.tracker, paths, tracking.env);

        const started = await tracking.tracker.startRun(options);
        await activeRun.rememberCurrentRun(paths, started.run.runId);
        if (tracking.env[activeRun.runIdVariable]) {
          context.output.warn(
            `${activeRun.runIdVariable} is set and overrides this working copy's run; ` +
              `unset it so later commands log to ${shortId(started.run.runId)}.`,
          );
        }

        const { runEntry } = await import("../../tracking/details.js");
        const { run: record, experimentCreated } = started;
        context.output.result({ ...runEntry(record), experiment_created: experimentCreated }, () =>
          [
            `Started run ${shortId(record.runId)}${record.name ? ` '${record.name}'` : ""} ` +
              `in experiment '${record.experimentName}'${experimentCreated ? " (new)" : ""}`,
            `  run_id: ${record.runId}`,
          ].join("\n"),
        );
        return 0;
      }),
    );
}

function registerLogging(run: Command): void {
  run
    .command("log-param")
    .description("record a param of the active run (written once, as in MLflow)")
    .argument("<key>")
    .argument("<value>")
    .action(
      action(async (context, key: string, value: string) => {
        const tracking = await openTracking(context);
        const { run: target } = await currentRun(tracking);
        const result = await tracking.tracker.logParam(target.runId, key, value);
        context.output.result({ run_id: target.runId, key, value, ...result }, () =>
          result.inserted
            ? `Logged param ${key} = ${value} (run ${shortId(target.runId)})`
            : `Param ${key} is ${value} already; nothing changed (run ${shortId(target.runId)})`,
        );
        return 0;
      }),
    );

  run
    .command("log-metric")
    .description("append a value to a metric of the active run; every value is kept")
    .argument("<key>")
    .argument("<value>", "a number; nan, inf and -inf are stored as they are")
    .option("--step <n>", "the training step or epoch", "0")
    .action(
      action(async (context, key: string, text: string, options: { step: string }) => {
        const names = await import("../../tracking/names.js");
        const value = names.parseMetricValue(key, text);
        const step = names.parseStep(options.step);
        const tracking = await openTracking(context);
        const { run: target } = await currentRun(tracking);
        const metric = await tracking.tracker.logMetric(target.runId, key, value, { step });

        const { jsonMetricValue } = await import("../../tracking/details.js");
        const json = {
          run_id: target.runId,
          key,
          value: jsonMetricValue(value),
          step,
          logged_at: metric.loggedAt,
        };
        context.output.result(
          json,
          () => `Logged ${key} = ${value} at step ${step} (run ${shortId(target.runId)})`,
        );
        return 0;
      }),
    );

  run
    .command("attach-build")
    .description("link a build to the active run (shown by `run show` and `show`)")
    .argument("<ref>", "a tag, a build ID or a unique prefix of one")
    .action(
      action(async (context, reference: string) => {
        const tracking = await openTracking(context);
        const { run: target } = await currentRun(tracking);
        const { build, attached } = await tracking.tracker.attachBuild(target.runId, reference);
        context.output.result({ run_id: target.runId, build_id: build.buildId, attached }, () =>
          attached
            ? `Attached build ${shortId(build.buildId)} to run ${shortId(target.runId)}`
            : `Build ${shortId(build.buildId)} is attached to run ${shortId(target.runId)} already`,
        );
        return 0;
      }),
    );

  run
    .command("end")
    .description("end the active run")
    .option("--status <status>", endStatuses.join("|"), oneOf(endStatuses), "finished")
    .action(
      action(async (context, options: { status: EndStatus }) => {
        const tracking = await openTracking(context);
        const { run: target } = await currentRun(tracking);
        const ended = await tracking.tracker.endRun(target.runId, options.status);
        const { runEntry } = await import("../../tracking/details.js");
        context.output.result(
          runEntry(ended),
          () => `Ended run ${shortId(ended.runId)}: ${ended.status} at ${ended.endedAt}`,
        );
        return 0;
      }),
    );
}

function registerQueries(run: Command): void {
  run
    .command("list")
    .description("list runs, newest first (* marks this working copy's current run)")
    .option("-e, --experiment <name>", "only this experiment's runs")
    .option("-n, --limit <n>", "at most this many runs", positiveInteger)
    .action(
      action(async (context, options: { experiment?: string; limit?: number }) => {
        const tracking = await openTracking(context);
        const runs = await tracking.tracker.listRuns(options);
        const { findCurrentRun } = await import("../../tracking/active-run.js");
        const current = await findCurrentRun(
          tracking.tracker,
          tracking.workspace.paths,
          tracking.env,
        ).catch(() => undefined);

        const { runEntry } = await import("../../tracking/details.js");
        const { renderRunList } = await import("./run-render.js");
        const entries = runs.map(runEntry);
        context.output.result(entries, () => renderRunList(entries, current?.run.runId));
        return 0;
      }),
    );

  run
    .command("show")
    .description("show a run: params, metrics and attached builds")
    .argument("<id>", "a run ID or a unique prefix of 4+ characters")
    .action(
      action(async (context, reference: string) => {
        const tracking = await openTracking(context);
        const target = await tracking.tracker.resolveRun(reference);
        const { describeRun } = await import("../../tracking/details.js");
        const { renderRunDetails } = await import("./run-render.js");
        const details = await describeRun(tracking.workspace.registry, target);
        context.output.result(details, () => renderRunDetails(details));
        return 0;
      }),
    );
}

export function registerRun(program: Command): void {
  const run = program.command("run").description("tracked runs: params, metrics, linked builds");
  registerStart(run);
  registerLogging(run);
  registerQueries(run);
}
