/**
 * Options `validate` and `compare` share: what the model is fed (the same flags and checks as
 * `benchmark`, through runtime/inputs.ts) so a model with symbolic dims is gated at the shapes
 * it serves.
 */
import type { Command } from "commander";
import type { InputChoice } from "../gates/paired-measurement.js";
import { collect, nonNegativeInteger, positiveInteger } from "./parse.js";

export interface InputFlags {
  batch?: number;
  shape: string[];
  inputs?: string;
  threads?: number;
  seed: number;
}

export function addInputOptions(command: Command): Command {
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

export function inputChoiceOf(flags: InputFlags): InputChoice {
  return {
    batch: flags.batch,
    shapes: flags.shape,
    inputsDir: flags.inputs,
    threads: flags.threads,
    seed: flags.seed,
  };
}
