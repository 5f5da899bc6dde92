import type { Command } from "commander";
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
}

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("build a model for a target and record it in the registry")
    .requiredOption("-m, --model <model>", "an ONNX file, or git:REV:PATH")
    .option("-t, --target <target>", "cpu, wasm, cuda, coreml, apple_m1.. (cpu:threads=1)", "cpu")
    .option("--quantize <type>", quantizations.join("|"), oneOf(quantizations))
    .option("--optimize <level>", optimizations.join("|"), oneOf(optimizations))
    .option("--name <name>", "a name for people; not part of the build's identity")
    .option("--notes <text>", "free-form notes")
    .action(
      action(async (context, options: BuildOptions) => {
        const { buildModel } = await import("../../build/build.js");
        const workspace = await context.workspace();
        const result = await buildModel(workspace, {
          model: options.model,
          target: options.target,
          quantize: options.quantize,
          optimize: options.optimize,
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
            const what = `${build.name ?? ""} (${build.target}, ${build.quantization}, ${formatBytes(build.artifactSize)})`;
            return result.created
              ? `Built ${shortId(build.buildId)} ${what}\n  build_id: ${build.buildId}`
              : `Build ${shortId(build.buildId)} already exists; nothing changed ${what}`;
          },
        );
        return 0;
      }),
    );
}
