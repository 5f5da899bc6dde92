/**
 * The schema of `mlbuild.config.{yaml,yml,json}` (or the `mlbuild` key of package.json): the
 * whole CI gate in one file committed with the model. Limits reuse the limits-file schema of
 * src/gates/limits.ts, so a limit means the same in `validate --limits` and in `ci`.
 * schema/mlbuild.config.schema.json is generated from this (scripts/generate-config-schema.ts).
 */
import { z } from "zod";
import { limitsFileSchema } from "../gates/limits.js";
import { compareMetricNames } from "../gates/metrics.js";

export const quantizations = ["fp32", "fp16", "int8", "int8-static"] as const;
/** The metrics `compare` can gate on, as `gates/metrics.ts` defines them. */
export const compareMetrics = compareMetricNames;

const limitsSection = limitsFileSchema.shape.limits.describe(
  "Limits checked on each build: max-p95: 10, or max-memory: { value: 200, severity: warn }",
);

/** `90s`, `500ms`, `10m`, `1h` or a number of seconds. */
export const durationPattern = /^([0-9]*\.?[0-9]+)\s*(ms|s|m|h)?$/;

const duration = z
  .union([
    z.number().positive(),
    z.string().regex(durationPattern, "expected a duration such as 90s, 10m or 1h"),
  ])
  .describe("A duration: seconds as a number, or a string such as 90s, 10m, 1h");

const baseline = z
  .union([
    z
      .string()
      .min(1)
      .describe(
        "A tag in the registry (production), git:REV (each model's path at REV, built here) " +
          "or git:REV:PATH",
      ),
    z
      .object({
        tag: z.string().min(1).describe("The tag the baseline build carries"),
        remote: z
          .string()
          .min(1)
          .optional()
          .describe("Pull the tag from this remote (see `mlbuild remote add`) first"),
      })
      .strict(),
    z
      .object({
        git: z.string().min(1).describe("A Git revision, e.g. origin/main"),
        path: z.string().min(1).optional().describe("The model's path at that revision"),
      })
      .strict(),
  ])
  .describe("What the candidate is compared with");

const model = z
  .object({
    path: z.string().min(1).describe("An ONNX file relative to the config file, or git:REV:PATH"),
    name: z.string().min(1).optional().describe("A name for people; defaults to the file name"),
    targets: z
      .array(z.string().min(1))
      .min(1)
      .default(["cpu"])
      .describe("Targets to build for: cpu, wasm, cpu:threads=1, ..."),
    quantize: z
      .array(z.enum(quantizations))
      .min(1)
      .default(["fp32"])
      .describe("Quantization variants; each one is a build"),
    calibration: z
      .string()
      .min(1)
      .optional()
      .describe("A folder of input samples for int8-static and accuracy checks"),
    limits: limitsSection.optional().describe("Limits for this model; override the top level's"),
    baseline: baseline.optional().describe("This model's baseline; overrides the top level's"),
  })
  .strict();

export const ciConfigSchema = z
  .object({
    $schema: z.string().optional().describe("The JSON Schema, for editors"),
    models: z.array(model).min(1).describe("The models to build, measure and gate"),
    limits: limitsSection.optional(),
    compare: z
      .object({
        metric: z
          .enum(compareMetrics)
          .default("p50")
          .describe("The metric the comparison gates on"),
        threshold: z
          .number()
          .positive()
          .default(5)
          .describe("Smallest change that matters, in percent"),
        use_cached: z
          .boolean()
          .default(false)
          .describe("Decide from the benchmarks stored by this run instead of measuring afresh"),
        baseline_missing: z
          .enum(["pass", "fail"])
          .default("fail")
          .describe("What a baseline that does not exist yet means"),
      })
      .strict()
      .default({ metric: "p50", threshold: 5, use_cached: false, baseline_missing: "fail" }),
    baseline: baseline.optional(),
    benchmark: z
      .object({
        runs: z.number().int().positive().default(100),
        warmup: z.number().int().nonnegative().default(10),
      })
      .strict()
      .default({ runs: 100, warmup: 10 })
      .describe("The stored benchmark of each build"),
    budget: duration.default("10m").describe("Time the gates may spend measuring, in total"),
    on_inconclusive: z
      .enum(["pass", "fail"])
      .optional()
      .describe("pass|fail instead of exit 3 when a gate cannot decide within the budget"),
    outputs: z
      .object({
        json: z.string().min(1).default("mlbuild-report.json"),
        markdown: z.string().min(1).optional(),
        html: z.string().min(1).optional(),
        junit: z.string().min(1).optional(),
      })
      .strict()
      .default({ json: "mlbuild-report.json" })
      .describe("Report files, relative to the working directory"),
  })
  .strict();

export type CiConfig = z.output<typeof ciConfigSchema>;
export type CiModel = CiConfig["models"][number];
export type BaselineSetting = z.output<typeof baseline>;

/** The JSON Schema for editors: what a person writes (defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ciConfigSchema, { io: "input", target: "draft-2020-12" }),
    $id: "https://mlbuild.dev/schema/mlbuild.config.schema.json",
    title: "mlbuild CI configuration",
  };
}
