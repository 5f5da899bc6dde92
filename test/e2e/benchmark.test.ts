/**
 * `mlbuild benchmark` end to end: the real CLI, real ONNX Runtime (node and web/wasm), seeded
 * fixtures and a PP-OCR model; every bad input ends with its exit code and no half-record.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  int64Tensor,
  makeGraph,
  makeModel,
  makeNode,
  makeValueInfo,
} from "../../src/onnx/builder.js";
import { writeFixture } from "../../src/onnx/fixtures.js";
import { encodeModel, TensorProto_DataType } from "../../src/onnx/proto.js";
import { writeNpy } from "../../src/runtime/npy.js";
import { ocrClassifier, ocrModels, parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import { registryState } from "../helpers/registry-state.js";

const workDirectory = temporaryDirectory("mlbuild-benchmark-");
const registry = path.join(workDirectory, ".mlbuild");
const quick = ["--runs", "20", "--warmup", "2"];

interface BenchmarkDocument {
  schema: string;
  benchmark_id: string;
  stored: boolean;
  config: {
    inputs: Record<string, string>;
    minimum_runs: number;
    concurrency: number;
    threads: number | null;
  };
  testbed: { testbed_hash: string; fingerprint: Record<string, unknown> };
  summary: {
    headline: Record<string, number | string | null>;
    latency: { count: number; percentiles: Record<string, { ci_low_ms: number | null }> };
    memory: { peak_rss_mb: number; model_mb: number; sessions: number };
    lanes: {
      overlap_ms: number;
      lanes: Array<{
        thread_id: number;
        runs: number;
        first_start_ms: number;
        last_end_ms: number;
      }>;
    } | null;
    cold_start_ms: { session_creation: number; first_inference: number };
    throughput: {
      inferences_per_s: number;
      samples_per_s: number;
      batch: number;
      concurrency: number;
    };
    warnings: string[];
  };
  samples_ms: number[];
  warmup_samples_ms: number[];
}

function cli(args: string[], timeoutMs?: number) {
  return runCli(args, { cwd: workDirectory, timeoutMs });
}

async function build(model: string, target = "cpu"): Promise<string> {
  const result = await cli(["build", "--model", model, "--target", target, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return parseJson<{ build_id: string }>(result).build_id;
}

async function benchmark(buildId: string, extra: string[] = []): Promise<BenchmarkDocument> {
  const result = await cli(["benchmark", buildId, ...quick, ...extra, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return parseJson<BenchmarkDocument>(result);
}

/** Runs a failing benchmark and checks its exit code, message and the untouched registry. */
async function expectRefused(args: string[], exitCode: number, message: RegExp) {
  const before = registryState(registry);
  const result = await cli(["benchmark", ...args], 60_000);
  expect(result.code, result.stderr).toBe(exitCode);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  expect(registryState(registry)).toBe(before);
  return result;
}

/** Needs 4.8 GB for one intermediate tensor: more than wasm32 can address. */
function writeWasmIncompatibleModel(file: string): void {
  const graph = makeGraph({
    name: "wide",
    nodes: [
      makeNode("Expand", ["x", "wide_shape"], ["wide"]),
      makeNode("ReduceSum", ["wide"], ["y"], { keepdims: { int: 0 } }),
    ],
    inputs: [makeValueInfo("x", TensorProto_DataType.FLOAT, [1])],
    outputs: [makeValueInfo("y", TensorProto_DataType.FLOAT, [])],
    initializers: [int64Tensor("wide_shape", [1], [1_200_000_000])],
  });
  writeFileSync(file, encodeModel(makeModel(graph)));
}

const builds: Record<string, string> = {};

beforeAll(async () => {
  expect((await cli(["init"])).code).toBe(0);
  for (const name of ["mlp-small", "multi-input", "recurrent", "float16-input", "mlp-20ms"]) {
    await writeFixture(name, workDirectory);
  }
  writeWasmIncompatibleModel(path.join(workDirectory, "wide.onnx"));
  builds.mlpCpu = await build("mlp-small.onnx");
  builds.mlpWasm = await build("mlp-small.onnx", "wasm");
  builds.multiInput = await build("multi-input.onnx");
  builds.recurrent = await build("recurrent.onnx");
  builds.float16 = await build("float16-input.onnx");
  builds.slow = await build("mlp-20ms.onnx");
  builds.wide = await build("wide.onnx", "wasm");
  builds.ocrCpu = await build(ocrClassifier);
  builds.ocrWasm = await build(ocrClassifier, "wasm");
  builds.detector = await build(path.join(ocrModels, "ch_PP-OCRv4_det_infer.onnx"));
}, 240_000);

describe("benchmark on cpu and wasm", () => {
  it("stores every sample and a headline that log and show read", async () => {
    const document = await benchmark(builds.mlpCpu);
    expect(document.schema).toBe("mlbuild.benchmark/v1");
    expect(document.stored).toBe(true);
    expect(document.samples_ms).toHaveLength(20);
    expect(document.warmup_samples_ms).toHaveLength(2);
    expect(document.summary.latency.count).toBe(20);
    expect(document.summary.headline).toMatchObject({ runs: 20 });
    expect(document.summary.headline.testbed_hash).toBe(document.testbed.testbed_hash);
    expect(document.testbed.fingerprint).toMatchObject({
      runtime: "onnxruntime-node",
      provider: "cpu",
    });
    expect(document.summary.memory.peak_rss_mb).toBeGreaterThan(document.summary.memory.model_mb);
    expect(document.summary.warnings.some((text) => /p99 from 20 samples/.test(text))).toBe(true);

    const log = parseJson<Array<{ build_id: string; latest_benchmark: { runs: number } | null }>>(
      await cli(["log", "--json"]),
    );
    expect(log.find((entry) => entry.build_id === builds.mlpCpu)?.latest_benchmark?.runs).toBe(20);
    const show = await cli(["show", builds.mlpCpu]);
    expect(show.stderr).toMatch(/benchmark: +p50 [0-9.]+ ms/);
  });

  it("prints hyperfine-style text on stderr and nothing on stdout", async () => {
    const result = await cli(["benchmark", builds.mlpCpu, ...quick]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/Time \(mean ± σ\): +[0-9.]+ ms ± [0-9.]+ ms/);
    expect(result.stderr).toMatch(/Range \(min … max\):.* 20 runs/);
    expect(result.stderr).toMatch(/p95 +[0-9.]+ ms +\[/);
    expect(result.stderr).toMatch(/Memory: +peak [0-9.]+ MiB, model [0-9.]+ MiB/);
    expect(result.stderr).toMatch(/Cold start: +session [0-9.]+ ms, first inference/);
  });

  it("runs the wasm backend and the PP-OCR model on both targets", async () => {
    const wasm = await benchmark(builds.mlpWasm);
    expect(wasm.testbed.fingerprint).toMatchObject({ runtime: "onnxruntime-web", threads: 1 });
    for (const buildId of [builds.ocrCpu, builds.ocrWasm]) {
      const document = await benchmark(buildId, ["--runs", "10", "--shape", "x=1x3x48x192"]);
      expect(document.samples_ms).toHaveLength(10);
      expect(document.config.inputs).toEqual({ x: "float32[1, 3, 48, 192]" });
    }
  });

  it("feeds several inputs, int64 scalars, bool, uint8, float16 and recurrent state", async () => {
    const multi = await benchmark(builds.multiInput, ["--batch", "3"]);
    expect(multi.config.inputs).toEqual({
      features: "float32[3, 4]",
      count: "int64[]",
      mask: "bool[3, 4]",
      pixels: "uint8[3, 4]",
    });
    expect(multi.summary.throughput.batch).toBe(3);
    const ratio =
      multi.summary.throughput.samples_per_s / multi.summary.throughput.inferences_per_s;
    expect(ratio).toBeCloseTo(3, 6);
    expect((await benchmark(builds.recurrent)).config.inputs).toHaveProperty("state");
    expect((await benchmark(builds.float16)).config.inputs).toEqual({ input: "float16[1, 8]" });
  });

  it("takes inputs from .npy and .json files, and keeps C runs in flight", async () => {
    const folder = path.join(workDirectory, "inputs-ok");
    mkdirSync(folder, { recursive: true });
    const features = new Float32Array(8).fill(0.5);
    writeFileSync(
      path.join(folder, "features.npy"),
      writeNpy({ dtype: "float32", shape: [2, 4], data: features }),
    );
    writeFileSync(path.join(folder, "count.json"), "2");
    writeFileSync(
      path.join(folder, "mask.json"),
      JSON.stringify([
        [1, 0, 1, 0],
        [0, 1, 0, 1],
      ]),
    );
    writeFileSync(
      path.join(folder, "pixels.json"),
      JSON.stringify({ shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }),
    );
    const document = await benchmark(builds.multiInput, ["--inputs", folder, "--concurrency", "3"]);
    expect(document.config.inputs.features).toBe("float32[2, 4]");
    expect(document.samples_ms).toHaveLength(20);
  });

  it("--concurrency 2 runs two lanes at once, each with its own session and thread", async () => {
    // mlp-20ms at batch 32 takes a few ms a run: long enough for the lanes' runs to meet.
    const document = await benchmark(builds.slow, ["--concurrency", "2", "--batch", "32"]);
    expect(document.config).toMatchObject({ concurrency: 2, threads: 1 });
    expect(document.summary.throughput.concurrency).toBe(2);
    expect(document.summary.throughput.inferences_per_s).toBeGreaterThan(0);
    expect(document.samples_ms).toHaveLength(20);
    expect(document.samples_ms.every((sample) => sample > 0)).toBe(true);
    expect(document.warmup_samples_ms).toHaveLength(4);
    expect(document.summary.memory.sessions).toBe(2);
    expect(document.testbed.fingerprint).toMatchObject({ threads: 1 });

    const lanes = document.summary.lanes?.lanes ?? [];
    expect(lanes).toHaveLength(2);
    expect(new Set(lanes.map((lane) => lane.thread_id)).size).toBe(2);
    expect(lanes.reduce((sum, lane) => sum + lane.runs, 0)).toBe(20);
    // Each lane's span of runs overlaps the other's, and some runs executed at the same time:
    // on one thread, a blocking `session.run` could never overlap another.
    const latestStart = Math.max(...lanes.map((lane) => lane.first_start_ms));
    const earliestEnd = Math.min(...lanes.map((lane) => lane.last_end_ms));
    expect(latestStart).toBeLessThan(earliestEnd);
    expect(document.summary.lanes?.overlap_ms).toBeGreaterThan(0);
  });

  it(
    "--concurrency 2 on wasm loads onnxruntime-web in each lane " + "and says whose memory",
    async () => {
      const result = await cli(["benchmark", builds.mlpWasm, ...quick, "--concurrency", "2"]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/concurrency 2\)/);
      expect(result.stderr).toMatch(/Memory: +peak [0-9.]+ MiB, model [0-9.]+ MiB \(2 sessions\)/);
    },
  );

  it("--runs below what the gated percentile needs is raised to the minimum", async () => {
    const document = await benchmark(builds.mlpCpu, ["--runs", "3"]);
    expect(document.config.minimum_runs).toBe(7);
    expect(document.samples_ms).toHaveLength(7);
  });
});

describe("bad input: a clear message, the right exit code, no half-record", () => {
  it.each([["0"], ["-1"], ["abc"]])("--runs %s is a usage error", async (runs) => {
    await expectRefused([builds.mlpCpu, `--runs=${runs}`], 2, /--runs/);
  });

  it("an unknown input name in --shape", async () => {
    await expectRefused(
      [builds.mlpCpu, "--shape", "pixels=1x256"],
      2,
      /no input named 'pixels'.*\n.*hint: .*input/,
    );
  });

  it("a .npy file of the wrong dtype", async () => {
    const folder = path.join(workDirectory, "inputs-wrong");
    mkdirSync(folder, { recursive: true });
    const data = new Float64Array(256);
    writeFileSync(
      path.join(folder, "input.npy"),
      writeNpy({ dtype: "float64", shape: [1, 256], data }),
    );
    await expectRefused(
      [builds.mlpCpu, "--inputs", folder],
      2,
      /input\.npy holds float64, but input 'input' is float32/,
    );
  });

  it("a shape the model loads with but cannot run (exit 2)", async () => {
    await expectRefused(
      [builds.detector, "--shape", "x=1x3x33x33", "--runs", "5"],
      2,
      /failed on its first run with x=float32\[1x3x33x33\]/,
    );
  });

  it("a shape that fails in a lane of --concurrency 2 (exit 2)", async () => {
    await expectRefused(
      [builds.detector, "--shape", "x=1x3x33x33", "--runs", "5", "--concurrency", "2"],
      2,
      /failed on its first run with x=float32\[1x3x33x33\]/,
    );
  });

  it("a model that needs more memory than wasm has (exit 2)", async () => {
    await expectRefused(
      [builds.wide, "--runs", "5"],
      2,
      /onnxruntime-web \(wasm\) but failed on its first run/,
    );
  });

  it("a benchmark that runs past --timeout is stopped (exit 4)", async () => {
    await expectRefused(
      [builds.slow, "--runs", "100000", "--warmup", "0", "--timeout", "3"],
      4,
      /past the 3 s timeout/,
    );
  });
});
