import { BenchmarkTable } from "./benchmarks.js";
import { BuildTable } from "./builds.js";
import type { Queryable } from "./database.js";
import type { BenchmarkRecord, BuildRecord, TagMove } from "./records.js";
import { decodeMetricValue, encodeMetricValue, type RunStatus } from "./runs.js";

/**
 * What push and pull need from the registry beyond everyday use: cheap listings of what exists,
 * and imports that keep records exactly as another registry wrote them (original times, IDs and
 * tag history), instead of stamping them as new.
 */

/** Every build's artifact, and every benchmark's build, without loading JSON or samples. */
export async function listTransferable(db: Queryable): Promise<{
  artifacts: Map<string, string>;
  benchmarks: Map<string, string[]>;
}> {
  const builds = await db.all<{ build_id: string; artifact_hash: string }>(
    "SELECT build_id, artifact_hash FROM builds",
  );
  const benchmarkRows = await db.all<{ build_id: string; benchmark_id: string }>(
    "SELECT build_id, benchmark_id FROM benchmarks ORDER BY created_seq",
  );
  const benchmarks = new Map<string, string[]>();
  for (const row of benchmarkRows) {
    benchmarks.set(row.build_id, [...(benchmarks.get(row.build_id) ?? []), row.benchmark_id]);
  }
  return {
    artifacts: new Map(builds.map((row) => [row.build_id, row.artifact_hash])),
    benchmarks,
  };
}

/** Inserts a pulled build as it was recorded; its artifact is now in this registry's store. */
export async function importBuild(tx: Queryable, build: BuildRecord): Promise<boolean> {
  return new BuildTable(tx).insert({ ...build, artifactLocation: "local" }, tx);
}

export async function importBenchmark(tx: Queryable, record: BenchmarkRecord): Promise<boolean> {
  return new BenchmarkTable(tx).insert(record, tx);
}

/**
 * Makes a tag's history from `fromSeq` on exactly `moves`, and the tag itself what the last
 * move says. Moves before `fromSeq` are shared with the remote and stay untouched.
 */
export async function replaceTagHistory(
  tx: Queryable,
  name: string,
  fromSeq: number,
  moves: TagMove[],
): Promise<void> {
  await tx.run("DELETE FROM tag_history WHERE name = ? AND seq >= ?", [name, fromSeq]);
  for (const move of moves) {
    await tx.run(
      "INSERT INTO tag_history (name, seq, action, build_id, previous_build_id, moved_at) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
      [name, move.seq, move.action, move.buildId, move.previousBuildId, move.movedAt],
    );
  }

  const last = await tx.get<{ action: string; build_id: string | null; moved_at: string }>(
    "SELECT action, build_id, moved_at FROM tag_history WHERE name = ? ORDER BY seq DESC LIMIT 1",
    [name],
  );
  await tx.run("DELETE FROM tags WHERE name = ?", [name]);
  if (last && last.action !== "delete" && last.build_id) {
    await tx.run("INSERT INTO tags (name, build_id, updated_at) VALUES (?, ?, ?)", [
      name,
      last.build_id,
      last.moved_at,
    ]);
  }
}

/** A run with everything logged on it, in a stable order so equal runs compare equal. */
export interface RunSnapshot {
  runId: string;
  experimentId: string;
  experimentName: string;
  experimentCreatedAt: string;
  name: string | null;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  params: Array<{ key: string; value: string }>;
  metrics: Array<{ metricId: string; key: string; value: number; step: number; loggedAt: string }>;
  builds: Array<{ buildId: string; attachedAt: string }>;
}

export async function listRunIds(db: Queryable): Promise<string[]> {
  const rows = await db.all<{ run_id: string }>("SELECT run_id FROM runs ORDER BY run_id");
  return rows.map((row) => row.run_id);
}

export async function exportRun(db: Queryable, runId: string): Promise<RunSnapshot | undefined> {
  const run = await db.get<{
    run_id: string;
    experiment_id: string;
    experiment_name: string;
    experiment_created_at: string;
    name: string | null;
    status: RunStatus;
    started_at: string;
    ended_at: string | null;
  }>(
    "SELECT runs.run_id, runs.experiment_id, experiments.name AS experiment_name, " +
      "experiments.created_at AS experiment_created_at, runs.name, runs.status, " +
      "runs.started_at, runs.ended_at FROM runs JOIN experiments " +
      "ON experiments.experiment_id = runs.experiment_id WHERE runs.run_id = ?",
    [runId],
  );
  if (!run) return undefined;
  const params = await db.all<{ key: string; value: string }>(
    "SELECT key, value FROM run_params WHERE run_id = ? ORDER BY key",
    [runId],
  );
  const metrics = await db.all<{
    metric_id: string;
    key: string;
    value: number | null;
    value_text: string | null;
    step: number | string;
    logged_at: string;
  }>(
    "SELECT metric_id, key, value, value_text, step, logged_at FROM run_metrics " +
      "WHERE run_id = ? ORDER BY metric_id",
    [runId],
  );
  const builds = await db.all<{ build_id: string; attached_at: string }>(
    "SELECT build_id, attached_at FROM run_builds WHERE run_id = ? ORDER BY build_id",
    [runId],
  );
  return {
    runId: run.run_id,
    experimentId: run.experiment_id,
    experimentName: run.experiment_name,
    experimentCreatedAt: run.experiment_created_at,
    name: run.name,
    status: run.status,
    startedAt: run.started_at,
    endedAt: run.ended_at,
    params,
    metrics: metrics.map((row) => ({
      metricId: row.metric_id,
      key: row.key,
      value: decodeMetricValue(row.value, row.value_text),
      step: Number(row.step),
      loggedAt: row.logged_at,
    })),
    builds: builds.map((row) => ({ buildId: row.build_id, attachedAt: row.attached_at })),
  };
}

/**
 * Merges a run from another registry into this one. Everything logged is append-only, so the
 * merge is a union; a run that ended on either side is ended here. Links to builds this
 * registry lacks are skipped (the caller pulls those builds first).
 */
export async function importRun(tx: Queryable, run: RunSnapshot): Promise<void> {
  await tx.run(
    "INSERT INTO experiments (experiment_id, name, created_at) VALUES (?, ?, ?) " +
      "ON CONFLICT (name) DO NOTHING",
    [run.experimentId, run.experimentName, run.experimentCreatedAt],
  );
  const experiment = await tx.get<{ experiment_id: string }>(
    "SELECT experiment_id FROM experiments WHERE name = ?",
    [run.experimentName],
  );
  await tx.run(
    "INSERT INTO runs (run_id, experiment_id, name, status, started_at, ended_at) " +
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING",
    [
      run.runId,
      experiment?.experiment_id ?? run.experimentId,
      run.name,
      run.status,
      run.startedAt,
      run.endedAt,
    ],
  );
  if (run.status !== "running") {
    await tx.run(
      "UPDATE runs SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'running'",
      [run.status, run.endedAt, run.runId],
    );
  }

  for (const param of run.params) {
    await tx.run(
      "INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?) " +
        "ON CONFLICT (run_id, key) DO NOTHING",
      [run.runId, param.key, param.value],
    );
  }
  for (const metric of run.metrics) {
    const encoded = encodeMetricValue(metric.value);
    await tx.run(
      "INSERT INTO run_metrics (metric_id, run_id, key, value, value_text, step, logged_at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (metric_id) DO NOTHING",
      [
        metric.metricId,
        run.runId,
        metric.key,
        encoded.value,
        encoded.valueText,
        metric.step,
        metric.loggedAt,
      ],
    );
  }
  for (const link of run.builds) {
    const build = await tx.get("SELECT build_id FROM builds WHERE build_id = ?", [link.buildId]);
    if (!build) continue;
    await tx.run(
      "INSERT INTO run_builds (run_id, build_id, attached_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (run_id, build_id) DO NOTHING",
      [run.runId, link.buildId, link.attachedAt],
    );
  }
}
