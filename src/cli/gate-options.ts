/**
 * What a measured model is fed (`--batch`, `--shape`, `--inputs`, `--threads`, `--seed`, checked
 * by runtime/inputs.ts), shared by `benchmark`, `validate` and `compare` so a model with symbolic
 * dims is measured and gated at the shapes it serves; plus the per-process options of the gates.
 */
import type { Command } from "commander";
import type { InputChoice } from "../gates/paired-measurement.js";
import type { MeasurementSettings } from "../gates/sequential-compare.js";
import { collect, duration, nonNegativeInteger, positiveInteger } from "./parse.js";

export interface InputFlags {
  batch?: number;
  shape: string[];
  inputs?: string;
  threads?: number;
  seed: number;
  processTime?: number;
  processRuns?: number;
}

export function addFeedOptions(command: Command): Command {
  return command
    .option("--batch <n>", "the first symbolic dimension of every input", positiveInteger)
    .option(
      "--shape <name=dims>",
      "an input's shape, e.g. images=1x3x224x224 (repeatable)",
      collect,
      [],
    )
    .option("--inputs <dir>", "a folder of NAME.npy or NAME.json files, one per input")
    .option("--threads <n>", "intra-op threads (overrides the target's)", positiveInteger)
    .option("--seed <n>", "seed of the random inputs", nonNegativeInteger, 0);
}

export function addInputOptions(command: Command): Command {
  return addFeedOptions(command)
    .option(
      "--process-time <duration>",
      "time measured in each process, at least (default 1s)",
      duration,
    )
    .option(
      "--process-runs <n>",
      "runs of each model in each process, at least (default 50)",
      positiveInteger,
    );
}

/** `--process-time` and `--process-runs`: whichever takes longer ends a process's measuring. */
export function measurementOf(flags: InputFlags): Partial<MeasurementSettings> {
  const settings: Partial<MeasurementSettings> = {};
  if (flags.processTime !== undefined) settings.measureSeconds = flags.processTime;
  if (flags.processRuns !== undefined) settings.minRunsPerModel = flags.processRuns;
  return settings;
}

export function inputChoiceOf(flags: InputFlags): InputChoice {
  return {
    batch: flags.batch,
    shapes: flags.shape,
    inputsDir: flags.inputs,
    threads: flags.threads,
    seed: flags.seed,
  };
}
