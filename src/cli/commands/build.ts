import { type Command, InvalidArgumentError } from "commander";
import { formatAccuracy, transformNotes } from "../accuracy-text.js";
import { action } from "../context.js";
import { oneOf } from "../parse.js";
import { formatBytes, shortId } from "../table.js";

const quantizations = ["fp32", "fp16", "int8", "int8-static"] as const;
const optimizations = ["none", "basic", "extended", "all"] as const;

interface BuildOptions {
  model: string;
  target: string;
  quantize?: (typeof quantizations)[number];
  optimize?: (typeof optimizations)[number];
  name?: string;
  notes?: string;
  calibration?: string;
  keepIoTypes: boolean;
  perTensor?: boolean;
  calibrationMethod?: (typeof calibrationMethods)[number];
  allowNoop?: boolean;
}

const calibrationMethods = ["minmax", "percentile"] as const;

/** `--keep-io-types=false` as well as `--no-keep-io-types`. */
function booleanValue(value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new InvalidArgumentError("expected true or false.");
}

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("build a model for a target and record it in the registry")
    .requiredOption("-m, --model <model>", "an ONNX file, or git:REV:PATH")
    .option("-t, --target <target>", "cpu, wasm, cuda, coreml, apple_m1.. (cpu:threads=1)", "cpu")
    .option("--quantize <type>", quantizations.join("|"), oneOf(quantizations))
    .option("--optimize <level>", optimizations.join("|"), oneOf(optimizations))
    .option(
      "--calibration <dir>",
      "input samples (.npy/.json) to calibrate int8-static and check accuracy",
    )
    .option(
      "--keep-io-types [bool]",
      "fp16: keep float32 inputs and outputs (default true)",
      booleanValue,
      true,
    )
    .option("--no-keep-io-types", "fp16: make inputs and outputs float16 too")
    .option("--per-tensor", "int8: one scale per weight tensor instead of per channel")
    .option(
      "--calibration-method <method>",
      calibrationMethods.join("|"),
      oneOf(calibrationMethods),
    )
    .option("--allow-noop", "record the build even when there is nothing to quantize")
    .option("--name <name>", "a name for people; not part of the build's identity")
    .option("--notes <text>", "free-form notes")
    .action(
      action(async (context, options: BuildOptions) => {
        const { buildModel } = await import("../../build/build.js");
        const workspace = await context.workspace();
        if (options.quantize === "int8-static" && !options.calibration) {
          context.output.warn(
            "int8-static without --calibration: ranges come from seeded random inputs, " +
              "which may not resemble real data",
          );
        }
        const result = await buildModel(workspace, {
          model: options.model,
          target: options.target,
          quantize: options.quantize,
          optimize: options.optimize,
          calibrationDir: options.calibration,
          transformOptions: {
            keepIoTypes: options.keepIoTypes,
            perTensor: options.perTensor === true,
            calibrationMethod: options.calibrationMethod ?? "minmax",
            allowNoop: options.allowNoop === true,
          },
          name: options.name,
          notes: options.notes,
        });
        const { build } = result;
        context.output.result(
          {
            build_id: build.buildId,
            created: result.created,
            build,
            transforms: result.transformReports,
          },
          () => {
            const what =
              `${build.name ?? ""} ` +
              `(${build.target}, ${build.quantization}, ${formatBytes(build.artifactSize)})`;
            const lines = result.created
              ? [`Built ${shortId(build.buildId)} ${what}`, `  build_id: ${build.buildId}`]
              : [`Build ${shortId(build.buildId)} already exists; nothing changed ${what}`];
            if (build.accuracy) lines.push(`  accuracy: ${formatAccuracy(build.accuracy)}`);
            lines.push(...transformNotes(result.transformReports));
            return lines.join("\n");
          },
        );
        return 0;
      }),
    );
}
