/**
 * `validate REF`: checks absolute limits on a build. Measures afresh by default, the model
 * running alone in its own child processes, one value per process per metric; adds processes
 * until every limit is decided by its confidence interval or the budget runs out.
 *
 * Several limits are checked on the same data, so the error budget is split between them
 * (Bonferroni), and each look gets its share from a Lan-DeMets spending plan, as in `compare`.
 */
import { UsageError } from "../errors.js";
import type { BuildRecord } from "../registry/records.js";
import type { PairedModel } from "../runtime/paired-child.js";
import { sequentialPlan } from "../stats/ratio.js";
import type { Workspace } from "../workspace.js";
import { cachedEstimates } from "./cached-validate.js";
import { exitCodeFor, type InconclusivePolicy } from "./exit-codes.js";
import { checkLimit, type Estimate, overallStatus, perProcessEstimate } from "./limit-check.js";
import type { Limit } from "./limits.js";
import {
  bytesToMegabytes,
  isCompareMetric,
  metricDefinitions,
  type ProcessValues,
} from "./metrics.js";
import {
  batchOf,
  gateTarget,
  type InputChoice,
  pairedModelOf,
  runPairedProcess,
} from "./paired-measurement.js";
import { defaultMeasurement, type MeasurementSettings } from "./sequential-compare.js";
import type { LimitCheck, ValidateResult } from "./types.js";
import { type MeasuredProcess, storeValidateBenchmark } from "./validate-record.js";

export interface ValidateRequest {
  ref: string;
  limits: readonly Limit[];
  budgetSeconds: number;
  useCached?: boolean;
  onInconclusive?: InconclusivePolicy;
  /** Error budget over all limits and looks. @default 0.05 */
  alpha?: number;
  inputs?: InputChoice;
  measurement?: Partial<MeasurementSettings>;
  onProgress?: (message: string) => void;
}

const initialProcesses = 3;
const processesPerLook = 2;
const maxLooks = 10;

function exactChecks(build: BuildRecord, limits: readonly Limit[]): LimitCheck[] {
  return limits.flatMap((limit) => {
    if (limit.gate.source === "size") {
      const size = bytesToMegabytes(build.artifactSize);
      return [checkLimit(limit, { value: size, interval: null }, true)];
    }
    if (limit.gate.source === "accuracy") {
      const recorded = build.accuracy?.[limit.gate.metric];
      const value = typeof recorded === "number" ? { value: recorded, interval: null } : null;
      return [checkLimit(limit, value, true)];
    }
    return [];
  });
}

function statisticOf(limit: Limit): (values: ProcessValues) => number {
  const metric = limit.gate.metric;
  const statistic = isCompareMetric(metric) ? metricDefinitions[metric].perProcess : undefined;
  if (!statistic) throw new RangeError(`${metric} is not measured per process`);
  return statistic;
}

interface FreshMeasurement {
  checks: LimitCheck[];
  processes: MeasuredProcess[];
  model: PairedModel;
  settings: MeasurementSettings;
}

async function freshChecks(
  workspace: Workspace,
  build: BuildRecord,
  limits: readonly Limit[],
  request: ValidateRequest,
): Promise<FreshMeasurement> {
  const model = await pairedModelOf(workspace, build, request.inputs);
  const batch = batchOf(build, model, request.inputs);
  const settings = { ...defaultMeasurement, ...request.measurement, batch };
  const plan = sequentialPlan({
    maxLooks,
    alpha: (request.alpha ?? 0.05) / limits.length,
    initialProcesses,
    processesPerLook,
  });
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const processes: MeasuredProcess[] = [];
  const values = (): ProcessValues[] =>
    processes.map(({ result }) => ({
      samplesMs: result.models[0].samplesMs,
      // The model alone: the benchmark's method, peak RSS minus the RSS once the runtime loaded.
      memoryBytes: Math.max(0, result.peakRssBytes - result.baselineRssBytes),
      batch,
    }));
  const decideAll = (confidence: number) =>
    limits.map((limit) => {
      const perProcess = values().map(statisticOf(limit));
      return checkLimit(limit, perProcessEstimate(perProcess, confidence), false);
    });
  const measured = (checks: LimitCheck[]) => ({ checks, processes, model, settings });

  let checks: LimitCheck[] = [];
  for (const look of plan.looks) {
    while (processes.length < look.processes) {
      const perProcess = elapsed() / Math.max(processes.length, 1);
      const enoughData = processes.length >= 2;
      // Out of budget: what is decided at this look's confidence stands, the rest is inconclusive.
      if (enoughData && elapsed() + perProcess > request.budgetSeconds) {
        return measured(decideAll(look.confidence));
      }
      const spawnedAt = performance.now();
      const result = await runPairedProcess({ ...settings, models: [model], creationOrder: [0] });
      processes.push({ result, wallMs: performance.now() - spawnedAt });
      request.onProgress?.(`measured ${processes.length} processes`);
    }
    checks = decideAll(look.confidence);
    if (checks.every((check) => check.status !== "inconclusive")) return measured(checks);
  }
  return measured(checks);
}

export async function validateBuild(
  workspace: Workspace,
  request: ValidateRequest,
): Promise<ValidateResult> {
  if (request.limits.length === 0) {
    throw new UsageError("LIMITS_NONE", "validate needs at least one limit", {
      hint: "Give one such as --max-p95 10, or a limits file with --limits FILE.",
    });
  }
  const build = await workspace.registry.resolve(request.ref);
  const measuredLimits = request.limits.filter((limit) => limit.gate.source === "measured");

  let measuredChecks: LimitCheck[] = [];
  let benchmarkId: string | null = null;
  if (measuredLimits.length > 0 && request.useCached) {
    const alpha = (request.alpha ?? 0.05) / measuredLimits.length;
    const target = gateTarget(build, request.inputs?.threads);
    const cached = await cachedEstimates(workspace, build, target, measuredLimits, 1 - alpha);
    benchmarkId = cached.benchmarkId;
    measuredChecks = measuredLimits.map((limit) => {
      const estimate: Estimate | null = cached.estimates.get(limit.gate.metric) ?? null;
      return checkLimit(limit, estimate, false);
    });
  } else if (measuredLimits.length > 0) {
    const fresh = await freshChecks(workspace, build, measuredLimits, request);
    measuredChecks = fresh.checks;
    benchmarkId = await storeValidateBenchmark(workspace, {
      build,
      model: fresh.model,
      processes: fresh.processes,
      settings: fresh.settings,
      seed: request.inputs?.seed ?? 0,
      inputsDir: request.inputs?.inputsDir,
    });
  }

  const byGate = new Map(
    [...measuredChecks, ...exactChecks(build, request.limits)].map((check) => [check.gate, check]),
  );
  const checks = request.limits.flatMap((limit) => byGate.get(limit.gate.gate) ?? []);
  const status = overallStatus(checks);
  const verdict =
    status === "pass" ? "no-change" : status === "fail" ? "regression" : "inconclusive";
  return {
    build_id: build.buildId,
    benchmark_id: benchmarkId,
    source: measuredLimits.length === 0 ? "none" : request.useCached ? "cached" : "fresh",
    checks,
    status,
    exit_code: exitCodeFor(verdict, request.onInconclusive),
  };
}
