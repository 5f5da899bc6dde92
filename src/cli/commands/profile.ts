import type { Command } from "commander";
import type { ProfileProgress } from "../../runtime/profile-child.js";
import { action } from "../context.js";
import { collect, nonNegativeInteger, oneOf, positiveInteger, positiveNumber } from "../parse.js";
import type { ProfileView } from "../profile-text.js";

interface ProfileFlags {
  runs: number;
  warmup: number;
  top: number;
  by: ProfileView;
  trace?: string;
  analyzeWarmup?: boolean;
  warmupRuns: number;
  batch?: number;
  shape: string[];
  inputs?: string;
  seed: number;
  timeout: number;
}

function progressLine(progress: ProfileProgress): string {
  if (progress.phase === "loading")
    return "Loading the runtime and the model with the profiler on…";
  return `${progress.phase} ${progress.done}/${progress.total ?? "?"}`;
}

export function registerProfile(program: Command): void {
  program
    .command("profile")
    .description("time per node and per op type from the runtime's profiler; warm-up curve")
    .argument("<ref>", "a tag, a build ID or a unique prefix of one")
    .option("--runs <n>", "profiled runs", positiveInteger, 20)
    .option(
      "--warmup <n>",
      "runs after the first inference, before profiling counts",
      nonNegativeInteger,
      5,
    )
    .option("--top <n>", "rows to print", positiveInteger, 15)
    .option(
      "--by <view>",
      "print the top nodes (node) or op types (op)",
      oneOf(["node", "op"] as const),
      "node",
    )
    .option("--trace <file>", "write a Chrome trace for chrome://tracing or Perfetto")
    .option("--analyze-warmup", "measure a fresh session's first runs and find steady state")
    .option("--warmup-runs <n>", "runs in the warm-up curve", positiveInteger, 50)
    .option("--batch <n>", "the first symbolic dimension of every input", positiveInteger)
    .option("--shape <name=dims>", "an input's shape, e.g. x=1x3x48x192 (repeatable)", collect, [])
    .option("--inputs <dir>", "a folder of NAME.npy or NAME.json files, one per input")
    .option("--seed <n>", "seed of the random inputs", nonNegativeInteger, 0)
    .option("--timeout <seconds>", "stop each child process after this long", positiveNumber, 600)
    .action(
      action(async (context, reference: string, flags: ProfileFlags) => {
        const { runProfile } = await import("../../profile/profile.js");
        const { renderProfile } = await import("../profile-text.js");
        const workspace = await context.workspace();
        const build = await workspace.registry.resolve(reference);
        const result = await runProfile(workspace, build, {
          runs: flags.runs,
          warmup: flags.warmup,
          batch: flags.batch,
          shapes: flags.shape,
          inputsDir: flags.inputs,
          seed: flags.seed,
          traceFile: flags.trace,
          analyzeWarmup: flags.analyzeWarmup ?? false,
          warmupRuns: flags.warmupRuns,
          timeoutSeconds: flags.timeout,
          onProgress: (progress) => context.output.progress(progressLine(progress)),
        });
        context.output.clearProgress();
        context.output.result(result, () => renderProfile(result, flags.by, flags.top));
        return 0;
      }),
    );
}
