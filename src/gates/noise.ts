/**
 * How noisy is this machine for `compare`? Runs a standard generated workload (an MLP of about
 * a millisecond) against itself in a few paired processes, the way `compare` measures, and
 * reports two spreads across processes:
 *
 * - paired: the standard deviation of the per-process log-ratio, the noise `compare` sees;
 * - unpaired: the coefficient of variation of per-process medians, the noise a tool that
 *   compares separate runs would see.
 *
 * From the paired spread it derives the smallest threshold `compare` can decide within its
 * default budget: one where an A/A interval at that many processes fits inside ±threshold.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../errors.js";
import { makeMlp } from "../onnx/fixtures.js";
import { saveModel } from "../onnx/model.js";
import { prepareInputs } from "../runtime/inputs.js";
import type { PairedModel } from "../runtime/paired-child.js";
import { parseTarget } from "../runtime/targets.js";
import { median } from "../stats/descriptive.js";
import { studentTQuantile } from "../stats/distributions.js";
import { runPairedProcess } from "./paired-measurement.js";
import { defaultMeasurement } from "./sequential-compare.js";

export interface NoiseReport {
  processes: number;
  seconds_per_process: number;
  median_latency_ms: number;
  /** SD of the per-process log-ratio in an A/A paired measurement, in percent. */
  paired_spread_pct: number;
  /** CV of per-process medians across processes, in percent. */
  unpaired_spread_pct: number;
  /** Smallest of the usual thresholds compare can decide within `budget_s`; null if none. */
  supported_threshold_pct: number | null;
  budget_s: number;
  message: string;
}

const candidateThresholds = [1, 2, 3, 5, 10, 20, 50];

async function standardWorkload(directory: string): Promise<PairedModel> {
  const model = makeMlp({
    inputSize: 256,
    hiddenSizes: [512, 512],
    outputSize: 64,
    seed: 1,
    batch: 16,
  });
  const modelPath = path.join(directory, "noise-workload.onnx");
  await saveModel(model, modelPath);
  const inputs = await prepareInputs([{ name: "input", dtype: "float32", shape: [16, 256] }]);
  return { modelPath, target: parseTarget("cpu"), inputs };
}

function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1),
  );
}

/**
 * The A/A interval half-width at n processes, at the confidence of a late look of compare's
 * plan (about 99%, a conservative stand-in for the spending plan's last looks).
 */
function halfWidthPct(pairedSpread: number, processes: number): number {
  const t = studentTQuantile(0.995, processes - 1);
  return (Math.exp((t * pairedSpread) / Math.sqrt(processes)) - 1) * 100;
}

export async function measureNoise(
  options: { processes?: number; budgetSeconds?: number } = {},
): Promise<NoiseReport> {
  const processes = options.processes ?? 6;
  if (!(Number.isInteger(processes) && processes >= 3)) {
    throw new UsageError("NOISE_PROCESSES_TOO_FEW", `--noise-processes ${processes} is too few`, {
      hint: "A spread across processes needs at least 3; the default is 6.",
    });
  }
  const budget = options.budgetSeconds ?? 60;
  const directory = await mkdtemp(path.join(os.tmpdir(), "mlbuild-noise-"));
  try {
    const model = await standardWorkload(directory);
    const logRatios: number[] = [];
    const medians: number[] = [];
    const started = performance.now();
    for (let index = 0; index < processes; index++) {
      const result = await runPairedProcess({
        ...defaultMeasurement,
        models: [model, model],
        creationOrder: index % 2 === 0 ? [0, 1] : [1, 0],
      });
      const [first, second] = result.models.map((measured) => median(measured.samplesMs));
      logRatios.push(Math.log(second / first));
      medians.push(first);
    }
    const secondsPerProcess = (performance.now() - started) / 1000 / processes;

    const pairedSpread = standardDeviation(logRatios);
    const affordable = Math.max(2, Math.floor(budget / secondsPerProcess));
    const supported =
      candidateThresholds.find(
        (threshold) => halfWidthPct(pairedSpread, affordable) < threshold / 2,
      ) ?? null;
    const medianLatency = median(medians);
    const unpaired = (standardDeviation(medians) / medianLatency) * 100;
    const message =
      supported === null
        ? `too noisy: even a 50% threshold may stay inconclusive within ${budget} s`
        : `compare can decide thresholds of ${supported}% and up within ${budget} s ` +
          `(paired spread ${(pairedSpread * 100).toFixed(1)}%, unpaired ${unpaired.toFixed(1)}%)`;
    return {
      processes,
      seconds_per_process: secondsPerProcess,
      median_latency_ms: medianLatency,
      paired_spread_pct: pairedSpread * 100,
      unpaired_spread_pct: unpaired,
      supported_threshold_pct: supported,
      budget_s: budget,
      message,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
