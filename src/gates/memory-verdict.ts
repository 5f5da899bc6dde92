/**
 * Why `compare` is conservative about memory. Two sessions live in one process, so the
 * benchmark's method (peak RSS minus the RSS once the runtime loaded) cannot tell one model's
 * share from the other's: the peak holds both. The paired child records instead the RSS each
 * session added while it was created and warmed up. That growth is biased by what came before
 * it: the second session can reuse pages the allocator kept from the first (smaller growth), or
 * find the arenas already grown. Alternating the creation order from process to process cancels
 * the bias on average, but not reliably at a few processes, and small growths are dominated by
 * allocator granularity rather than by the model.
 *
 * So a memory verdict from growth stands only when it would stand on its own in both creation
 * orders, and every growth is large enough to be the model's: otherwise it is inconclusive,
 * never a wrong regression or a wrong "no change". `validate`, where the model runs alone, uses
 * the benchmark's method exactly (see validate.ts).
 */
import type { Verdict } from "../stats/ratio.js";
import type { ProcessPair } from "./comparison.js";
import type { MetricComparison } from "./types.js";

/** Growth below this is allocator and page granularity, not the model (glibc arenas, ORT's). */
export const smallestMeaningfulGrowthBytes = 1024 * 1024;

function geometricMeanRatio(pairs: readonly ProcessPair[]): number {
  const logs = pairs.map((pair) =>
    Math.log(pair.candidate.memoryBytes / pair.baseline.memoryBytes),
  );
  return Math.exp(logs.reduce((sum, value) => sum + value, 0) / logs.length);
}

/** The verdict a point estimate alone would give against the threshold. */
function pointVerdict(changePct: number, thresholdPct: number): Verdict {
  if (changePct > thresholdPct) return "regression";
  if (changePct < -thresholdPct) return "improvement";
  return "no-change";
}

/** Why a memory verdict from growth cannot stand, or undefined when it can. */
export function memoryVerdictDoubt(
  pairs: readonly ProcessPair[],
  verdict: Verdict,
  thresholdPct: number,
): string | undefined {
  if (verdict === "inconclusive") return undefined;
  const small = pairs.some(
    (pair) =>
      pair.baseline.memoryBytes < smallestMeaningfulGrowthBytes ||
      pair.candidate.memoryBytes < smallestMeaningfulGrowthBytes,
  );
  if (small) {
    return "memory: a session added under 1 MiB in some process, below what RSS can attribute";
  }
  const baselineFirst = pairs.filter((pair) => pair.baselineCreatedFirst === true);
  const candidateFirst = pairs.filter((pair) => pair.baselineCreatedFirst === false);
  if (baselineFirst.length === 0 || candidateFirst.length === 0) {
    return "memory: not measured in both creation orders";
  }
  const byOrder = [baselineFirst, candidateFirst].map((group) =>
    pointVerdict((geometricMeanRatio(group) - 1) * 100, thresholdPct),
  );
  if (byOrder.some((orderVerdict) => orderVerdict !== verdict)) {
    return "memory: the two creation orders disagree, so the growth reflects the order";
  }
  return undefined;
}

/** Makes a memory row inconclusive when its verdict could be the order's, not the model's. */
export function guardMemoryComparison(
  pairs: readonly ProcessPair[],
  comparison: MetricComparison,
): string | undefined {
  if (comparison.metric !== "memory") return undefined;
  const doubt = memoryVerdictDoubt(pairs, comparison.verdict, comparison.threshold_pct);
  if (doubt) comparison.verdict = "inconclusive";
  return doubt;
}
