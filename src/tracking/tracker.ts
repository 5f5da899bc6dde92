import { randomUUID } from "node:crypto";
import { UsageError } from "../errors.js";
import type { Queryable } from "../registry/database.js";
import type { BuildRecord } from "../registry/records.js";
import type { Registry } from "../registry/registry.js";
import type {
  EndStatus,
  ExperimentRecord,
  ExperimentSummary,
  MetricRecord,
  RunRecord,
} from "../registry/runs.js";
import { assertKey, assertMetricValue, assertName, assertParamValue, assertStep } from "./names.js";

/** Run and experiment IDs: 32 lowercase hex characters, like MLflow's. */
export function newTrackingId(): string {
  return randomUUID().replaceAll("-", "");
}

const runPrefixPattern = /^[0-9a-f]{4,32}$/;

export interface MetricOptions {
  /** The training step or epoch the value belongs to. @default 0 */
  step?: number;
  /** When the value was measured. @default now */
  timestamp?: Date | number;
}

function timestampOf(timestamp: Date | number | undefined): string {
  const date = timestamp === undefined ? new Date() : new Date(timestamp);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError("METRIC_TIMESTAMP_INVALID", `${String(timestamp)} is not a valid time`, {
      hint: "Give a Date or milliseconds since 1970-01-01 UTC.",
    });
  }
  return date.toISOString();
}

export function runLabel(run: RunRecord): string {
  const name = run.name ? ` '${run.name}'` : "";
  return `${run.runId.slice(0, 12)}${name} (experiment '${run.experimentName}')`;
}

function runUnknown(reference: string): UsageError {
  return new UsageError("RUN_UNKNOWN", `No run with ID '${reference}'`, {
    hint: "Run `mlbuild run list` to see run IDs; any unique prefix of 4+ characters works.",
  });
}

/**
 * Experiment tracking with MLflow's rules: a param is written once (the same value again is
 * fine, a different one is an error), a metric keeps every value with its step and time, and
 * only a running run takes params and metrics. Builds may be attached to ended runs too: the
 * model is often built after training finished.
 */
export class Tracker {
  constructor(private readonly registry: Registry) {}

  async createExperiment(name: string): Promise<ExperimentRecord> {
    assertName("experiment", name);
    const { experiment, created } = await this.registry.experiments.ensure({
      experimentId: newTrackingId(),
      name,
      createdAt: new Date().toISOString(),
    });
    if (!created) {
      throw new UsageError("EXPERIMENT_EXISTS", `Experiment '${name}' exists already`, {
        hint: `Start a run in it: \`mlbuild run start --experiment "${name}"\`.`,
      });
    }
    return experiment;
  }

  listExperiments(): Promise<ExperimentSummary[]> {
    return this.registry.experiments.list();
  }

  /** Starts a run, creating its experiment when it has none yet (as MLflow's set_experiment). */
  async startRun(request: {
    experiment: string;
    name?: string;
  }): Promise<{ run: RunRecord; experimentCreated: boolean }> {
    assertName("experiment", request.experiment);
    if (request.name !== undefined) assertName("run", request.name);

    const now = new Date().toISOString();
    return this.registry.transaction(async (tx) => {
      const ensured = await this.registry.experiments.ensure(
        { experimentId: newTrackingId(), name: request.experiment, createdAt: now },
        tx,
      );
      const runId = newTrackingId();
      await this.registry.runs.insert(
        {
          runId,
          experimentId: ensured.experiment.experimentId,
          name: request.name ?? null,
          status: "running",
          startedAt: now,
          endedAt: null,
        },
        tx,
      );
      const run = await this.registry.runs.get(runId, tx);
      if (!run) throw new Error(`run ${runId} vanished after insert`);
      return { run, experimentCreated: ensured.created };
    });
  }

  /** A full run ID or a unique prefix of 4+ hex characters, as for builds. */
  async resolveRun(reference: string): Promise<RunRecord> {
    const lowered = reference.trim().toLowerCase();
    if (!runPrefixPattern.test(lowered)) throw runUnknown(reference);

    const candidates = await this.registry.runs.idsWithPrefix(lowered);
    if (candidates.length === 0) throw runUnknown(reference);
    if (candidates.length > 1) {
      throw new UsageError(
        "RUN_AMBIGUOUS",
        `The prefix '${reference}' matches ${candidates.length} runs: ` +
          candidates.map((id) => id.slice(0, 12)).join(", "),
        { hint: "Give more characters of the run ID.", details: { candidates } },
      );
    }
    const run = await this.registry.runs.get(candidates[0]);
    if (!run) throw runUnknown(reference);
    return run;
  }

  async listRuns(options: { experiment?: string; limit?: number } = {}): Promise<RunRecord[]> {
    if (options.experiment === undefined) return this.registry.runs.list({ limit: options.limit });
    const experiment = await this.registry.experiments.getByName(options.experiment);
    if (!experiment) {
      throw new UsageError("EXPERIMENT_UNKNOWN", `No experiment named '${options.experiment}'`, {
        hint: "Run `mlbuild experiment list` to see the experiments.",
      });
    }
    return this.registry.runs.list({ experimentId: experiment.experimentId, limit: options.limit });
  }

  /** Returns whether the param was new; logging the value it already has changes nothing. */
  async logParam(runId: string, key: string, value: string): Promise<{ inserted: boolean }> {
    assertKey("param", key);
    assertParamValue(key, value);
    return this.registry.transaction(async (tx) => {
      await this.requireRunning(runId, tx);
      const stored = await this.registry.runs.setParam(runId, { key, value }, tx);
      if (stored.value !== value) {
        throw new UsageError(
          "PARAM_IMMUTABLE",
          `Param '${key}' is '${stored.value}' in this run; it cannot become '${value}'`,
          { hint: "Params are written once per run (as in MLflow); start a new run to change it." },
        );
      }
      return { inserted: stored.inserted };
    });
  }

  async logMetric(
    runId: string,
    key: string,
    value: number,
    options: MetricOptions = {},
  ): Promise<MetricRecord> {
    assertKey("metric", key);
    assertMetricValue(key, value);
    const step = options.step ?? 0;
    assertStep(step);
    const metric = { key, value, step, loggedAt: timestampOf(options.timestamp) };

    await this.registry.transaction(async (tx) => {
      await this.requireRunning(runId, tx);
      await this.registry.runs.appendMetric(runId, newTrackingId(), metric, tx);
    });
    return metric;
  }

  async attachBuild(
    runId: string,
    reference: string,
  ): Promise<{ build: BuildRecord; attached: boolean }> {
    const build = await this.registry.resolve(reference);
    const attached = await this.registry.transaction(async (tx) => {
      if (!(await this.registry.runs.get(runId, tx))) throw runUnknown(runId);
      const link = { buildId: build.buildId, attachedAt: new Date().toISOString() };
      return this.registry.runs.attachBuild(runId, link, tx);
    });
    return { build, attached };
  }

  async endRun(runId: string, status: EndStatus = "finished"): Promise<RunRecord> {
    return this.registry.transaction(async (tx) => {
      const run = await this.registry.runs.get(runId, tx);
      if (!run) throw runUnknown(runId);
      if (!(await this.registry.runs.end(runId, status, new Date().toISOString(), tx))) {
        throw new UsageError(
          "RUN_ALREADY_ENDED",
          `Run ${runLabel(run)} already ended: ${run.status} at ${run.endedAt}`,
          { hint: "Start a new run with `mlbuild run start --experiment NAME`." },
        );
      }
      return (await this.registry.runs.get(runId, tx)) ?? run;
    });
  }

  private async requireRunning(runId: string, tx: Queryable): Promise<RunRecord> {
    const run = await this.registry.runs.get(runId, tx);
    if (!run) throw runUnknown(runId);
    if (run.status !== "running") {
      throw new UsageError(
        "RUN_ENDED",
        `Run ${runLabel(run)} ended (${run.status} at ${run.endedAt}); it takes no more ` +
          `params or metrics`,
        { hint: "Start a new run with `mlbuild run start --experiment NAME`." },
      );
    }
    return run;
  }
}
