/**
 * The one CI step: for every model × target × quantization in the config, build the candidate,
 * prepare its baseline, benchmark both (stored, with every sample), validate the candidate's
 * limits on its stored benchmark, and compare it with the baseline. Calls the library, never
 * the CLI; returns a report that every format can render. Knows nothing of the terminal.
 */
import path from "node:path";
import { buildModel } from "../build/build.js";
import type { Quantization } from "../build/identity.js";
import { ExitCode, toMlbuildError } from "../errors.js";
import { type Limit, limitsOf, mergeLimits } from "../gates/limits.js";
import type { BuildRecord } from "../registry/records.js";
import { newReport } from "../report/assemble.js";
import { metricHistory } from "../report/history.js";
import { labelOf, loadBenchmark, reportBuildOf } from "../report/load.js";
import type { Report, ReportEntry } from "../report/types.js";
import type { Workspace } from "../workspace.js";
import { type BaselineSource, baselineSourceOf, prepareBaseline } from "./baseline.js";
import { durationSeconds, type LoadedConfig } from "./config.js";
import type { CiConfig, CiModel } from "./schema.js";

export interface CiOptions {
  onProgress?: (message: string) => void;
}

interface Variant {
  model: CiModel;
  target: string;
  quantize: Quantization;
}

function variantsOf(config: CiConfig): Variant[] {
  return config.models.flatMap((model) =>
    model.targets.flatMap((target) =>
      model.quantize.map((quantize) => ({ model, target, quantize })),
    ),
  );
}

function limitsFor(config: CiConfig, model: CiModel): Limit[] {
  const shared = limitsOf(config.limits ?? {});
  const own = limitsOf(model.limits ?? {});
  const merged = new Map(shared.map((limit) => [limit.gate.gate, limit]));
  for (const limit of own) merged.set(limit.gate.gate, limit);
  return mergeLimits([...merged.values()], {});
}

/** The worst outcome decides: a tool failure, bad input, a failed gate, then undecided. */
export function overallExitCode(codes: readonly number[]): number {
  for (const code of [ExitCode.internal, ExitCode.badInput, ExitCode.gateFailed]) {
    if (codes.includes(code)) return code;
  }
  return codes.includes(ExitCode.inconclusive) ? ExitCode.inconclusive : ExitCode.ok;
}

const gatedPercentiles: Record<string, number> = { p50: 50, p95: 95, p99: 99 };

/** Stores a benchmark with enough runs for every percentile a limit gates on. */
async function benchmarkIfLocal(
  workspace: Workspace,
  build: BuildRecord,
  config: CiConfig,
  limits: readonly Limit[],
): Promise<void> {
  if (build.artifactLocation !== "local") return;
  const { runBenchmark } = await import("../bench/benchmark.js");
  await runBenchmark(workspace, build, {
    runs: config.benchmark.runs,
    warmup: config.benchmark.warmup,
    gatePercentiles: limits.flatMap((limit) => gatedPercentiles[limit.gate.metric] ?? []),
  });
}

class Clock {
  private readonly started = performance.now();
  constructor(private readonly budgetSeconds: number) {}

  /** A fair share of what is left for one of `remaining` gates; never below one second. */
  share(remaining: number): number {
    const left = this.budgetSeconds - (performance.now() - this.started) / 1000;
    return Math.max(1, left / Math.max(remaining, 1));
  }
}

async function runVariant(
  workspace: Workspace,
  loaded: LoadedConfig,
  variant: Variant,
  budgetSeconds: () => number,
  pulled: Set<string>,
  options: CiOptions,
): Promise<ReportEntry> {
  const { config, directory } = loaded;
  const { model, target, quantize } = variant;
  const progress = (step: string) =>
    options.onProgress?.(`${model.name ?? model.path} (${target}, ${quantize}): ${step}`);

  progress("building");
  const { build: candidate } = await buildModel(workspace, {
    model: model.path,
    target,
    quantize,
    calibrationDir: model.calibration ? path.resolve(directory, model.calibration) : undefined,
    name: model.name,
    cwd: directory,
  });
  const setting = model.baseline ?? config.baseline;
  const source: BaselineSource | null = setting ? baselineSourceOf(setting) : null;
  progress("preparing the baseline");
  const baselineRef = source
    ? await prepareBaseline(workspace, source, { model, target, quantize, directory, pulled })
    : null;
  const baseline = baselineRef
    ? await workspace.registry.resolve(baselineRef).catch(() => null)
    : null;

  const limits = limitsFor(config, model);
  progress("benchmarking");
  await benchmarkIfLocal(workspace, candidate, config, limits);
  if (baseline && baseline.buildId !== candidate.buildId) {
    await benchmarkIfLocal(workspace, baseline, config, limits);
  }

  const { validateBuild } = await import("../gates/validate.js");
  progress("validating");
  // TODO(ci validate): limits are checked on the one stored benchmark, whose intervals see
  // sample noise only; `mlbuild validate` measures fresh processes. Offer that here too.
  const validation =
    limits.length > 0
      ? await validateBuild(workspace, {
          ref: candidate.buildId,
          limits,
          budgetSeconds: budgetSeconds(),
          useCached: true,
          onInconclusive: config.on_inconclusive,
        })
      : null;

  const { compareBuilds } = await import("../gates/compare.js");
  progress("comparing");
  const comparison = baselineRef
    ? await compareBuilds(workspace, {
        baselineRef,
        candidateRef: candidate.buildId,
        metric: config.compare.metric,
        thresholdPct: config.compare.threshold,
        budgetSeconds: budgetSeconds(),
        useCached: config.compare.use_cached,
        baselineMissing: config.compare.baseline_missing,
        onInconclusive: config.on_inconclusive,
      })
    : null;

  const history =
    source?.kind === "tag"
      ? await metricHistory(workspace.registry, source.tag, config.compare.metric).catch(() => null)
      : null;
  return {
    label: labelOf(candidate),
    candidate: reportBuildOf(candidate),
    candidate_benchmark: await loadBenchmark(workspace.registry, candidate),
    baseline: baseline ? reportBuildOf(baseline) : null,
    baseline_benchmark: baseline ? await loadBenchmark(workspace.registry, baseline) : null,
    validation,
    comparison,
    compare_metric: comparison ? config.compare.metric : null,
    history,
    error: null,
  };
}

function failedEntry(variant: Variant, thrown: unknown): { entry: ReportEntry; code: number } {
  const error = toMlbuildError(thrown);
  const name = variant.model.name ?? path.basename(variant.model.path, ".onnx");
  const candidate = {
    build_id: "",
    name,
    notes: null,
    target: variant.target,
    quantization: variant.quantize,
    source: variant.model.path,
    created_at: new Date().toISOString(),
  };
  const entry: ReportEntry = {
    label: labelOf(candidate),
    candidate,
    candidate_benchmark: null,
    baseline: null,
    baseline_benchmark: null,
    validation: null,
    comparison: null,
    compare_metric: null,
    history: null,
    error: { code: error.code, message: error.message, hint: error.hint ?? null },
  };
  return { entry, code: error.exitCode };
}

function entryExitCode(entry: ReportEntry): number {
  return overallExitCode([entry.validation?.exit_code ?? 0, entry.comparison?.exit_code ?? 0]);
}

export async function runCi(
  workspace: Workspace,
  loaded: LoadedConfig,
  options: CiOptions = {},
): Promise<Report> {
  const variants = variantsOf(loaded.config);
  const clock = new Clock(durationSeconds(loaded.config.budget));
  // Each variant has up to two gates that may measure (validate, compare).
  let gatesLeft = variants.length * 2;
  const budgetSeconds = () => clock.share(gatesLeft--);

  const pulled = new Set<string>();
  const entries: ReportEntry[] = [];
  const codes: number[] = [];
  for (const variant of variants) {
    try {
      const entry = await runVariant(workspace, loaded, variant, budgetSeconds, pulled, options);
      entries.push(entry);
      codes.push(entryExitCode(entry));
    } catch (error) {
      // One variant that cannot build does not hide the verdicts of the others.
      const failed = failedEntry(variant, error);
      entries.push(failed.entry);
      codes.push(failed.code);
    }
  }
  const title = `CI gate (${path.basename(loaded.file)})`;
  return newReport(title, entries, overallExitCode(codes));
}
