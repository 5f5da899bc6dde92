import type { Queryable } from "./database.js";

/**
 * Experiments and runs: MLflow-style tracking kept in the registry, so it travels with builds.
 * The SQL is portable (SQLite and PostgreSQL): `?` placeholders, `ON CONFLICT ... DO NOTHING`,
 * `LIKE` for ID prefixes, and counts converted with `Number()` because PostgreSQL returns
 * BIGINT as text.
 */

export type RunStatus = "running" | "finished" | "failed" | "killed";

export const endStatuses = ["finished", "failed", "killed"] as const;
export type EndStatus = (typeof endStatuses)[number];

export interface ExperimentRecord {
  experimentId: string;
  name: string;
  createdAt: string;
}

export interface ExperimentSummary extends ExperimentRecord {
  runCount: number;
  lastRunAt: string | null;
}

export interface RunRecord {
  runId: string;
  experimentId: string;
  experimentName: string;
  name: string | null;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
}

export interface ParamRecord {
  key: string;
  value: string;
}

/** One point of a metric's time series. `value` may be NaN or ±Infinity, kept faithfully. */
export interface MetricRecord {
  key: string;
  value: number;
  step: number;
  loggedAt: string;
}

export interface RunBuildLink {
  buildId: string;
  attachedAt: string;
}

export interface AttachedRun extends RunRecord {
  attachedAt: string;
}

interface RunRow {
  run_id: string;
  experiment_id: string;
  experiment_name: string;
  name: string | null;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
}

interface MetricRow {
  key: string;
  value: number | null;
  value_text: string | null;
  step: number | string;
  logged_at: string;
}

const runColumns =
  "runs.run_id, runs.experiment_id, experiments.name AS experiment_name, runs.name, " +
  "runs.status, runs.started_at, runs.ended_at";
const runSource = "runs JOIN experiments ON experiments.experiment_id = runs.experiment_id";

function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    name: row.name,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

/**
 * SQLite turns NaN into NULL, and the two databases spell infinities differently, so a value
 * that is not finite goes into `value_text` as JavaScript spells it and `value` stays NULL.
 */
export function encodeMetricValue(value: number): {
  value: number | null;
  valueText: string | null;
} {
  return Number.isFinite(value)
    ? { value, valueText: null }
    : { value: null, valueText: String(value) };
}

export function decodeMetricValue(value: number | null, valueText: string | null): number {
  return valueText !== null ? Number(valueText) : Number(value);
}

export class ExperimentTable {
  constructor(private readonly db: Queryable) {}

  /** Creates the experiment unless one has this name; safe when two processes race. */
  async ensure(
    experiment: ExperimentRecord,
    db: Queryable = this.db,
  ): Promise<{ experiment: ExperimentRecord; created: boolean }> {
    const result = await db.run(
      "INSERT INTO experiments (experiment_id, name, created_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (name) DO NOTHING",
      [experiment.experimentId, experiment.name, experiment.createdAt],
    );
    const stored = await this.getByName(experiment.name, db);
    if (!stored) throw new Error(`experiment '${experiment.name}' vanished after insert`);
    return { experiment: stored, created: result.changes > 0 };
  }

  async getByName(name: string, db: Queryable = this.db): Promise<ExperimentRecord | undefined> {
    const row = await db.get<{ experiment_id: string; name: string; created_at: string }>(
      "SELECT experiment_id, name, created_at FROM experiments WHERE name = ?",
      [name],
    );
    return row && { experimentId: row.experiment_id, name: row.name, createdAt: row.created_at };
  }

  /** Oldest first, with how many runs each has and when the last one started. */
  async list(): Promise<ExperimentSummary[]> {
    const rows = await this.db.all<{
      experiment_id: string;
      name: string;
      created_at: string;
      run_count: number | string;
      last_run_at: string | null;
    }>(
      "SELECT experiments.experiment_id, experiments.name, experiments.created_at, " +
        "COUNT(runs.run_id) AS run_count, MAX(runs.started_at) AS last_run_at " +
        "FROM experiments LEFT JOIN runs ON runs.experiment_id = experiments.experiment_id " +
        "GROUP BY experiments.experiment_id, experiments.name, experiments.created_at " +
        "ORDER BY experiments.created_at, experiments.name",
    );
    return rows.map((row) => ({
      experimentId: row.experiment_id,
      name: row.name,
      createdAt: row.created_at,
      runCount: Number(row.run_count),
      lastRunAt: row.last_run_at,
    }));
  }
}

export class RunTable {
  constructor(private readonly db: Queryable) {}

  async insert(run: Omit<RunRecord, "experimentName">, db: Queryable = this.db): Promise<void> {
    await db.run(
      "INSERT INTO runs (run_id, experiment_id, name, status, started_at, ended_at) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
      [run.runId, run.experimentId, run.name, run.status, run.startedAt, run.endedAt],
    );
  }

  async get(runId: string, db: Queryable = this.db): Promise<RunRecord | undefined> {
    const row = await db.get<RunRow>(
      `SELECT ${runColumns} FROM ${runSource} WHERE runs.run_id = ?`,
      [runId],
    );
    return row ? runFromRow(row) : undefined;
  }

  /** Newest first; only one experiment's runs when `experimentId` is given. */
  async list(options: { experimentId?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const filter = options.experimentId === undefined ? "" : "WHERE runs.experiment_id = ? ";
    const params = options.experimentId === undefined ? [] : [options.experimentId];
    const rows = await this.db.all<RunRow>(
      `SELECT ${runColumns} FROM ${runSource} ${filter}` +
        "ORDER BY runs.started_at DESC, runs.run_id LIMIT ?",
      [...params, options.limit ?? 1_000_000],
    );
    return rows.map(runFromRow);
  }

  /** `prefix` must already be validated as lowercase hex, so it holds no LIKE wildcards. */
  async idsWithPrefix(prefix: string): Promise<string[]> {
    const rows = await this.db.all<{ run_id: string }>(
      "SELECT run_id FROM runs WHERE run_id LIKE ? ORDER BY run_id LIMIT 20",
      [`${prefix}%`],
    );
    return rows.map((row) => row.run_id);
  }

  /** Ends a running run; false when it was not running (so two `end`s cannot both win). */
  async end(runId: string, status: EndStatus, endedAt: string, db: Queryable = this.db) {
    const result = await db.run(
      "UPDATE runs SET status = ?, ended_at = ? WHERE run_id = ? AND status = 'running'",
      [status, endedAt, runId],
    );
    return result.changes > 0;
  }

  /**
   * Stores the param unless the run has this key already; returns the value stored for the key
   * afterwards and whether this call stored it.
   */
  async setParam(
    runId: string,
    param: ParamRecord,
    db: Queryable = this.db,
  ): Promise<{ value: string; inserted: boolean }> {
    const result = await db.run(
      "INSERT INTO run_params (run_id, key, value) VALUES (?, ?, ?) " +
        "ON CONFLICT (run_id, key) DO NOTHING",
      [runId, param.key, param.value],
    );
    const row = await db.get<{ value: string }>(
      "SELECT value FROM run_params WHERE run_id = ? AND key = ?",
      [runId, param.key],
    );
    return { value: row?.value ?? param.value, inserted: result.changes > 0 };
  }

  async params(runId: string, db: Queryable = this.db): Promise<ParamRecord[]> {
    return db.all<ParamRecord>("SELECT key, value FROM run_params WHERE run_id = ? ORDER BY key", [
      runId,
    ]);
  }

  async appendMetric(
    runId: string,
    metricId: string,
    metric: MetricRecord,
    db: Queryable = this.db,
  ): Promise<void> {
    const encoded = encodeMetricValue(metric.value);
    await db.run(
      "INSERT INTO run_metrics (metric_id, run_id, key, value, value_text, step, logged_at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
      [metricId, runId, metric.key, encoded.value, encoded.valueText, metric.step, metric.loggedAt],
    );
  }

  /** Every value of every metric, by key, then step, then time. */
  async metrics(runId: string, db: Queryable = this.db): Promise<MetricRecord[]> {
    const rows = await db.all<MetricRow>(
      "SELECT key, value, value_text, step, logged_at FROM run_metrics WHERE run_id = ? " +
        "ORDER BY key, step, logged_at, metric_id",
      [runId],
    );
    return rows.map((row) => ({
      key: row.key,
      value: decodeMetricValue(row.value, row.value_text),
      step: Number(row.step),
      loggedAt: row.logged_at,
    }));
  }

  /** Links a build to the run; false when it was linked already. */
  async attachBuild(runId: string, link: RunBuildLink, db: Queryable = this.db) {
    const result = await db.run(
      "INSERT INTO run_builds (run_id, build_id, attached_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (run_id, build_id) DO NOTHING",
      [runId, link.buildId, link.attachedAt],
    );
    return result.changes > 0;
  }

  async builds(runId: string, db: Queryable = this.db): Promise<RunBuildLink[]> {
    const rows = await db.all<{ build_id: string; attached_at: string }>(
      "SELECT build_id, attached_at FROM run_builds WHERE run_id = ? ORDER BY " +
        "attached_at, build_id",
      [runId],
    );
    return rows.map((row) => ({ buildId: row.build_id, attachedAt: row.attached_at }));
  }

  /** The runs a build is attached to, oldest link first: the other direction of the link. */
  async forBuild(buildId: string, db: Queryable = this.db): Promise<AttachedRun[]> {
    const rows = await db.all<RunRow & { attached_at: string }>(
      `SELECT ${runColumns}, run_builds.attached_at FROM ${runSource} ` +
        "JOIN run_builds ON run_builds.run_id = runs.run_id WHERE run_builds.build_id = ? " +
        "ORDER BY run_builds.attached_at, runs.run_id",
      [buildId],
    );
    return rows.map((row) => ({ ...runFromRow(row), attachedAt: row.attached_at }));
  }
}
