/**
 * `compare BASELINE CANDIDATE`: did the candidate regress? Fresh by default (interleaved paired
 * processes, sequential looks; see sequential-compare.ts), or from stored benchmarks with
 * `--use-cached` (see cached-compare.ts). Knows nothing of the terminal.
 */
import type { BuildRecord } from "../registry/records.js";
import type { Workspace } from "../workspace.js";
import { resolveBaseline } from "./baseline.js";
import { compareCached } from "./cached-compare.js";
import { compareAllMeasured, compareSize } from "./comparison.js";
import { exitCodeFor, type InconclusivePolicy } from "./exit-codes.js";
import { guardMemoryComparison } from "./memory-verdict.js";
import type { CompareMetricName } from "./metrics.js";
import { batchOf, type InputChoice, pairedModelOf } from "./paired-measurement.js";
import { compareSequentially, type MeasurementSettings } from "./sequential-compare.js";
import type { CompareResult, CompareSkipped, MetricComparison, Verdict } from "./types.js";

export interface CompareRequest {
  baselineRef: string;
  candidateRef: string;
  metric: CompareMetricName;
  /** Smallest change that matters, in percent; must be > 0. */
  thresholdPct: number;
  budgetSeconds: number;
  useCached?: boolean;
  allowTestbedMismatch?: boolean;
  /** What a missing baseline means; undefined outside CI (then it is bad input, exit 2). */
  baselineMissing?: "pass" | "fail";
  onInconclusive?: InconclusivePolicy;
  /** Two-sided error budget over all looks. @default 0.05 */
  alpha?: number;
  measurement?: Partial<MeasurementSettings>;
  inputs?: InputChoice;
  seed?: number;
  onProgress?: (message: string) => void;
}

function sideOf(build: BuildRecord, ref: string) {
  return { build_id: build.buildId, name: build.name, ref };
}

export async function compareBuilds(
  workspace: Workspace,
  request: CompareRequest,
): Promise<CompareResult | CompareSkipped> {
  if (!(request.thresholdPct > 0 && Number.isFinite(request.thresholdPct))) {
    throw new RangeError("thresholdPct must be a positive number");
  }
  const candidate = await workspace.registry.resolve(request.candidateRef);
  const baselineOutcome = await resolveBaseline(workspace.registry, request);
  if (baselineOutcome.kind === "skipped") return baselineOutcome.result(candidate);
  const baseline = baselineOutcome.build;

  const started = performance.now();
  const warnings: string[] = [];
  const measured = request.useCached
    ? await compareCached(workspace, baseline, candidate, request, warnings)
    : await compareFresh(workspace, baseline, candidate, request, warnings);

  const size = compareSize(baseline.artifactSize, candidate.artifactSize, request.thresholdPct);
  const metrics: MetricComparison[] = [...measured.metrics, size];
  const gated = metrics.find((comparison) => comparison.metric === request.metric);
  const verdict: Verdict = gated?.verdict ?? "inconclusive";
  return {
    baseline: sideOf(baseline, request.baselineRef),
    candidate: sideOf(candidate, request.candidateRef),
    source: request.useCached ? "cached" : "fresh",
    metrics,
    verdict,
    exit_code: exitCodeFor(verdict, request.onInconclusive),
    duration_s: (performance.now() - started) / 1000,
    testbed_hash: measured.testbedHash,
    warnings,
  };
}

interface MeasuredComparisons {
  metrics: MetricComparison[];
  testbedHash: string | null;
}

async function compareFresh(
  workspace: Workspace,
  baseline: BuildRecord,
  candidate: BuildRecord,
  request: CompareRequest,
  warnings: string[],
): Promise<MeasuredComparisons> {
  // Size needs no measurement: do not spend the budget on it.
  const gatedMetric = request.metric === "size" ? "p50" : request.metric;
  const budgetSeconds = request.metric === "size" ? 0 : request.budgetSeconds;
  const candidateModel = await pairedModelOf(workspace, candidate, request.inputs);
  const outcome = await compareSequentially({
    baseline: await pairedModelOf(workspace, baseline, request.inputs),
    candidate: candidateModel,
    metric: gatedMetric,
    thresholdPct: request.thresholdPct,
    budgetSeconds,
    alpha: request.alpha,
    measurement: {
      ...request.measurement,
      batch: batchOf(candidate, candidateModel, request.inputs),
    },
    onProcess: (done, decision) => {
      const look = decision ? ` (look ${decision.look}: ${decision.verdict})` : "";
      request.onProgress?.(`measured ${done} paired processes${look}`);
    },
  });
  if (outcome.budgetExhausted && request.metric !== "size") {
    warnings.push(
      `the budget of ${request.budgetSeconds} s ran out after ${outcome.pairs.length} processes; ` +
        "raise --budget or --threshold to decide",
    );
  }

  // The table's intervals use the deciding look's confidence, so the gated row is exactly the
  // decision that was made.
  const confidence = outcome.decision?.confidence ?? 1 - (request.alpha ?? 0.05);
  const metrics = compareAllMeasured(outcome.pairs, request.thresholdPct, confidence);
  if (outcome.decision && request.metric !== "size") {
    const gated = metrics.find((comparison) => comparison.metric === request.metric);
    if (gated) gated.verdict = outcome.decision.verdict;
    // Memory growth in a shared process: a verdict only when no creation-order effect could
    // explain it (memory-verdict.ts); otherwise inconclusive, and the reason is shown.
    const doubt = gated && guardMemoryComparison(outcome.pairs, gated);
    if (doubt) warnings.push(`${doubt}; compare --use-cached reads each build's own benchmark`);
  }
  const { describeTestbed } = await import("../bench/testbed.js");
  return { metrics, testbedHash: describeTestbed(candidateModel.target).testbed_hash };
}
