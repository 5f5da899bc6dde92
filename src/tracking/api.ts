import type { EndStatus, RunRecord } from "../registry/runs.js";
import { openWorkspace, type Workspace } from "../workspace.js";
import { requireCurrentRun } from "./active-run.js";
import { type MetricOptions, Tracker } from "./tracker.js";

/**
 * Experiment tracking for Node.js scripts: `import { startRun } from "mlbuild"` and log params
 * and metrics from a training or evaluation script, into the same registry the CLI uses.
 */

export type { EndStatus, MetricOptions };

/** Which registry to use; by default the one the CLI would use from the working directory. */
export interface RegistryOptions {
  /**
   * The registry folder. Defaults to `MLBUILD_DIR`, then the nearest `.mlbuild/` above the
   * working directory, as for the CLI.
   */
  registry?: string;
  /**
   * A PostgreSQL registry's URL, as `--registry-url`. Defaults to `MLBUILD_REGISTRY_URL`, then
   * the working copy's config; without one, the folder's SQLite registry.
   */
  registryUrl?: string;
}

export interface StartRunOptions extends RegistryOptions {
  /** The experiment's name; it is created when it does not exist yet. */
  experiment: string;
  /** A name for people, shown by `mlbuild run list`. */
  name?: string;
}

export interface ResumeRunOptions extends RegistryOptions {
  /**
   * The run's ID or a unique prefix of it. Defaults to `MLBUILD_RUN_ID`, then the working
   * copy's current run (the one `mlbuild run start` began).
   */
  runId?: string;
}

/** A run to log to. Every method resolves once the record is committed to the registry. */
export interface TrackedRun {
  /** 32 lowercase hex characters; any unique prefix of 4+ works in `mlbuild run show`. */
  readonly runId: string;
  readonly experiment: string;
  readonly name: string | null;
  /**
   * Records a param. Params are immutable, as in MLflow: logging the value a key already has
   * does nothing, logging a different one rejects with code `PARAM_IMMUTABLE`.
   */
  logParam(key: string, value: string | number | boolean): Promise<void>;
  /**
   * Appends one value to a metric's time series; every value is kept with its step and time.
   * NaN and ±Infinity are stored faithfully; anything but a number rejects with
   * `METRIC_VALUE_INVALID`.
   */
  logMetric(key: string, value: number, options?: MetricOptions): Promise<void>;
  /** Links a build (a tag, build ID or unique prefix) to this run, both ways. */
  attachBuild(reference: string): Promise<{ buildId: string; attached: boolean }>;
  /**
   * Ends the run and closes the registry connection this handle opened.
   * @default status "finished"
   */
  end(status?: EndStatus): Promise<void>;
  /** Closes the registry connection without ending the run (to leave it to another process). */
  close(): Promise<void>;
}

class RunHandle implements TrackedRun {
  readonly runId: string;
  readonly experiment: string;
  readonly name: string | null;
  private opening: Promise<Workspace> | undefined;

  constructor(
    run: RunRecord,
    workspace: Workspace,
    private readonly reopen: () => Promise<Workspace>,
  ) {
    this.runId = run.runId;
    this.experiment = run.experimentName;
    this.name = run.name;
    this.opening = Promise.resolve(workspace);
  }

  async logParam(key: string, value: string | number | boolean): Promise<void> {
    await (await this.tracker()).logParam(this.runId, key, String(value));
  }

  async logMetric(key: string, value: number, options: MetricOptions = {}): Promise<void> {
    await (await this.tracker()).logMetric(this.runId, key, value, options);
  }

  async attachBuild(reference: string): Promise<{ buildId: string; attached: boolean }> {
    const result = await (await this.tracker()).attachBuild(this.runId, reference);
    return { buildId: result.build.buildId, attached: result.attached };
  }

  async end(status: EndStatus = "finished"): Promise<void> {
    try {
      await (await this.tracker()).endRun(this.runId, status);
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (opening) await (await opening).close();
  }

  /** Reopens the registry after `close()`, so a handle stays usable (e.g. to attach a build). */
  private async tracker(): Promise<Tracker> {
    this.opening ??= this.reopen();
    return new Tracker((await this.opening).registry);
  }
}

function openRegistry(options: RegistryOptions): Promise<Workspace> {
  return openWorkspace({ registryDir: options.registry, registryUrl: options.registryUrl });
}

/** Reopens the same registry later, wherever the working directory has moved to since. */
function reopener(workspace: Workspace, options: RegistryOptions): () => Promise<Workspace> {
  return () => openRegistry({ ...options, registry: workspace.paths.root });
}

/**
 * Starts a run in `experiment` and returns a handle to log to it. The run is not made the
 * working copy's current run: the script owns it through the handle.
 *
 * @example
 * ```ts
 * import { startRun } from "mlbuild";
 *
 * const run = await startRun({ experiment: "ocr-classifier", name: "lr-sweep-3" });
 * await run.logParam("learning_rate", 0.001);
 * for (let epoch = 0; epoch < epochs; epoch++) {
 *   await run.logMetric("loss", trainOneEpoch(), { step: epoch });
 * }
 * await run.end();
 * ```
 */
export async function startRun(options: StartRunOptions): Promise<TrackedRun> {
  const workspace = await openRegistry(options);
  try {
    const { run } = await new Tracker(workspace.registry).startRun(options);
    return new RunHandle(run, workspace, reopener(workspace, options));
  } catch (error) {
    await workspace.close();
    throw error;
  }
}

/** Returns a handle to a run that exists already, such as one a CI step started with the CLI. */
export async function resumeRun(options: ResumeRunOptions = {}): Promise<TrackedRun> {
  const workspace = await openRegistry(options);
  try {
    const tracker = new Tracker(workspace.registry);
    const run =
      options.runId === undefined
        ? (await requireCurrentRun(tracker, workspace.paths, process.env)).run
        : await tracker.resolveRun(options.runId);
    return new RunHandle(run, workspace, reopener(workspace, options));
  } catch (error) {
    await workspace.close();
    throw error;
  }
}
