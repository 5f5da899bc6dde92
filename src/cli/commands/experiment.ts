import type { Command } from "commander";
import { action } from "../context.js";
import { renderTable } from "../table.js";

export function registerExperiment(program: Command): void {
  const experiment = program
    .command("experiment")
    .description("experiments: named groups of tracked runs");

  experiment
    .command("create")
    .description("create an experiment (`run start --experiment` also creates one)")
    .argument("<name>", "1-256 printable characters")
    .action(
      action(async (context, name: string) => {
        const { Tracker } = await import("../../tracking/tracker.js");
        const workspace = await context.workspace();
        const created = await new Tracker(workspace.registry).createExperiment(name);
        context.output.result(
          {
            experiment_id: created.experimentId,
            name: created.name,
            created_at: created.createdAt,
          },
          () => `Created experiment '${created.name}'`,
        );
        return 0;
      }),
    );

  experiment
    .command("list")
    .description("list experiments with their number of runs")
    .action(
      action(async (context) => {
        const { Tracker } = await import("../../tracking/tracker.js");
        const { experimentEntry } = await import("../../tracking/details.js");
        const workspace = await context.workspace();
        const experiments = await new Tracker(workspace.registry).listExperiments();
        context.output.result(experiments.map(experimentEntry), () =>
          experiments.length === 0
            ? "No experiments yet: `mlbuild experiment create NAME`."
            : renderTable(
                ["EXPERIMENT", "RUNS", "LAST RUN", "CREATED"],
                experiments.map((entry) => [
                  entry.name,
                  String(entry.runCount),
                  entry.lastRunAt ?? "-",
                  entry.createdAt,
                ]),
                { align: ["left", "right", "left", "left"] },
              ),
        );
        return 0;
      }),
    );
}
