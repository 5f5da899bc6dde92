import type { RunDetails, RunEntry } from "../../tracking/details.js";
import { renderTable, shortId } from "../table.js";

/** Human renderings for `run list` and `run show`; `--json` prints the entries themselves. */

export function renderRunList(runs: RunEntry[], currentRunId: string | undefined): string {
  if (runs.length === 0) return "No runs yet: `mlbuild run start --experiment NAME`.";
  const rows = runs.map((run) => [
    run.run_id === currentRunId ? `* ${shortId(run.run_id)}` : `  ${shortId(run.run_id)}`,
    run.experiment,
    run.name ?? "-",
    run.status,
    run.started_at,
    run.ended_at ?? "-",
  ]);
  return renderTable(["  RUN", "EXPERIMENT", "NAME", "STATUS", "STARTED", "ENDED"], rows);
}

function section(title: string, body: string | undefined): string[] {
  return body === undefined ? [`  ${title}: -`] : [`  ${title}:`, body];
}

export function renderRunDetails(details: RunDetails): string {
  const lines = [
    `run ${details.run_id}`,
    `  experiment: ${details.experiment}`,
    `  name:       ${details.name ?? "-"}`,
    `  status:     ${details.status}`,
    `  started:    ${details.started_at}`,
    `  ended:      ${details.ended_at ?? "-"}`,
  ];

  const params = Object.entries(details.params);
  lines.push(
    ...section(
      "params",
      params.length === 0 ? undefined : renderTable(["KEY", "VALUE"], params, { indent: "    " }),
    ),
  );

  // The latest point of each series; `--json` carries every value.
  const metrics = Object.entries(details.metrics).map(([key, points]) => {
    const last = points[points.length - 1];
    return [key, String(last.value), String(last.step), String(points.length)];
  });
  lines.push(
    ...section(
      "metrics",
      metrics.length === 0
        ? undefined
        : renderTable(["KEY", "LATEST", "STEP", "VALUES"], metrics, {
            indent: "    ",
            align: ["left", "right", "right", "right"],
          }),
    ),
  );

  const builds = details.builds.map((build) => [
    shortId(build.build_id),
    build.name ?? "-",
    build.target ?? "-",
    build.attached_at,
  ]);
  lines.push(
    ...section(
      "builds",
      builds.length === 0
        ? undefined
        : renderTable(["BUILD", "NAME", "TARGET", "ATTACHED"], builds, { indent: "    " }),
    ),
  );
  return lines.join("\n");
}
