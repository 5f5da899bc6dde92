/**
 * A fresh `validate` stored as a benchmark (kind `validate`), so that `validate --use-cached`,
 * `report`, `history`, `log` and `show` can use what it measured. The processes are pooled into
 * the shape of one benchmark child's result and summarised by the same code as `benchmark`
 * (src/bench/record.ts), so the stored summary and its `headline` read the same.
 */
import { benchmarkRecord, buildSummary } from "../bench/record.js";
import { describeTestbed } from "../bench/testbed.js";
import type { BuildRecord, JsonObject } from "../registry/records.js";
import type { BenchmarkChildResult } from "../runtime/benchmark-child.js";
import { describeInputs } from "../runtime/inputs.js";
import type { PairedModel, PairedResult } from "../runtime/paired-child.js";
import { median } from "../stats/descriptive.js";
import type { Workspace } from "../workspace.js";
import type { MeasurementSettings } from "./sequential-compare.js";

/** One validate process: what the child answered and its wall time from spawn to answer. */
export interface MeasuredProcess {
  result: PairedResult;
  wallMs: number;
}

export interface ValidateRecordParts {
  build: BuildRecord;
  model: PairedModel;
  processes: readonly MeasuredProcess[];
  settings: MeasurementSettings;
  seed: number;
  inputsDir?: string;
}

function modelShare(process: MeasuredProcess): number {
  return process.result.peakRssBytes - process.result.baselineRssBytes;
}

/**
 * The processes as one child result: every sample in process order, cold-start figures as
 * medians over processes, steady-state time summed (throughput = all runs / all measuring
 * time), and the memory of the process with the median model share (a real pair of readings,
 * not a mix of two processes).
 */
export function pooledChildResult(processes: readonly MeasuredProcess[]): BenchmarkChildResult {
  const alone = processes.map(({ result }) => ({ result, model: result.models[0] }));
  const medianOf = (pick: (entry: (typeof alone)[number]) => number) => median(alone.map(pick));
  const byShare = [...processes].sort((left, right) => modelShare(left) - modelShare(right));
  const middle = byShare[Math.floor((byShare.length - 1) / 2)].result;
  return {
    samples: Float64Array.from(alone.flatMap((entry) => entry.model.samplesMs)),
    warmupSamples: Float64Array.from(alone.flatMap((entry) => entry.model.warmupSamplesMs)),
    processStartMs: medianOf((entry) => entry.result.processStartMs),
    runtimeLoadMs: medianOf((entry) => entry.result.runtimeLoadMs),
    sessionCreationMs: medianOf((entry) => entry.model.createMs),
    firstInferenceMs: medianOf((entry) => entry.model.firstRunMs),
    steadyStateMs: alone.reduce((sum, entry) => sum + entry.result.steadyStateMs, 0),
    stoppedBy: "duration",
    memory: {
      method: "getrusage-maxrss",
      baselineRssBytes: middle.baselineRssBytes,
      peakRssBytes: middle.peakRssBytes,
    },
  };
}

/** Stores the measurement as one benchmark record (one INSERT) and returns its ID. */
export async function storeValidateBenchmark(
  workspace: Workspace,
  parts: ValidateRecordParts,
): Promise<string> {
  const { build, model, processes, settings } = parts;
  const child = pooledChildResult(processes);
  const testbed = describeTestbed(model.target);
  const createdAt = new Date().toISOString();
  const config: JsonObject = {
    runs: null,
    minimum_runs: settings.minRunsPerModel,
    warmup: settings.warmupRuns,
    duration_s: settings.measureSeconds,
    concurrency: 1,
    threads: model.target.settings.threads ?? null,
    batch: settings.batch,
    seed: parts.seed,
    inputs: describeInputs(model.inputs),
    inputs_dir: parts.inputsDir ?? null,
    processes: processes.length,
    method:
      "validate: the model alone in fresh processes, samples pooled in process order; " +
      "the limits were decided over processes (see docs/gates.md)",
  };
  const summary = buildSummary(child, {
    batch: settings.batch,
    concurrency: 1,
    testbedHash: testbed.testbed_hash,
    createdAt,
    wallMs: processes.reduce((sum, process) => sum + process.wallMs, 0),
    percentilesShown: [50, 95, 99],
  });
  const record = benchmarkRecord({
    buildId: build.buildId,
    kind: "validate",
    createdAt,
    testbed,
    config,
    summary,
    child,
  });
  await workspace.registry.transaction((tx) => workspace.registry.benchmarks.insert(record, tx));
  return record.benchmarkId;
}
