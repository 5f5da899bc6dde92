/**
 * `mlbuild profile` and `diff --profile` end to end: the real CLI and ONNX Runtime (node and
 * web/wasm) on seeded fixtures and a PP-OCR model. The accounting must close, the trace must
 * open in a viewer, the warm-up analysis must answer, and bad input leaves the registry as is.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  floatTensor,
  makeGraph,
  makeModel,
  makeNode,
  makeValueInfo,
} from "../../src/onnx/builder.js";
import { writeFixture } from "../../src/onnx/fixtures.js";
import { encodeModel, TensorProto_DataType } from "../../src/onnx/proto.js";
import { ocrClassifier, parseJson, runCli, temporaryDirectory } from "../helpers/cli.js";
import { registryState } from "../helpers/registry-state.js";

const workDirectory = temporaryDirectory("mlbuild-profile-");
const registry = path.join(workDirectory, ".mlbuild");
const builds: Record<string, string> = {};

interface NodeTime {
  name: string;
  op_type: string;
  provider: string;
  input_shapes: string[];
  mean_ms: number;
  share: number;
  calls: number;
}

interface ProfileDocument {
  schema: string;
  profile_id: string;
  stored: boolean;
  trace_file: string | null;
  summary: {
    runs: number;
    accounting: Record<string, number>;
    op_types: Array<{ op_type: string; mean_ms: number; share: number; calls: number }>;
    nodes: NodeTime[];
    warmup_analysis: {
      session_creation_ms: number;
      first_inference_ms: number;
      curve_ms: number[];
      method: string;
      change_points: number[];
      steady_state_index: number;
      recommended_warmup: number;
    } | null;
  };
}

function cli(args: string[], timeoutMs?: number) {
  return runCli(args, { cwd: workDirectory, timeoutMs });
}

async function build(model: string, extra: string[] = []): Promise<string> {
  const result = await cli(["build", "--model", model, ...extra, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return parseJson<{ build_id: string }>(result).build_id;
}

async function profile(buildId: string, extra: string[] = []): Promise<ProfileDocument> {
  const result = await cli(["profile", buildId, "--runs", "10", ...extra, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return parseJson<ProfileDocument>(result);
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Node times + the part in no node = the measured latency, and the parts are consistent. */
function expectAccountingCloses(document: ProfileDocument): void {
  const { accounting, nodes, op_types: opTypes, runs } = document.summary;
  expect(nodes.length).toBeGreaterThan(0);
  expect(sum(nodes.map((node) => node.mean_ms))).toBeCloseTo(accounting.nodes_ms, 6);
  expect(sum(opTypes.map((total) => total.mean_ms))).toBeCloseTo(accounting.nodes_ms, 6);
  expect(accounting.nodes_ms + accounting.not_in_any_node_ms).toBeCloseTo(
    accounting.measured_ms,
    6,
  );
  expect(sum(nodes.map((node) => node.share)) + accounting.not_in_any_node_share).toBeCloseTo(1, 6);
  // The kernels run inside model_run, which runs inside session.run (1 ms of clock slack).
  expect(accounting.nodes_ms).toBeGreaterThan(0);
  expect(accounting.nodes_ms).toBeLessThanOrEqual(accounting.model_run_ms + 1e-9);
  expect(accounting.model_run_ms).toBeLessThanOrEqual(accounting.measured_ms + 1);
  for (const node of nodes) {
    expect(node.op_type).not.toBe("unknown");
    expect(node.calls).toBeGreaterThanOrEqual(runs);
    expect(node.input_shapes.length).toBeGreaterThan(0);
  }
}

function writeConstantModel(file: string): void {
  // Every value is known at load: the runtime folds the Add away and runs no operator.
  const graph = makeGraph({
    name: "constant",
    nodes: [makeNode("Add", ["a", "b"], ["y"])],
    inputs: [makeValueInfo("x", TensorProto_DataType.FLOAT, [1])],
    outputs: [makeValueInfo("y", TensorProto_DataType.FLOAT, [2])],
    initializers: [floatTensor("a", [2], [1, 2]), floatTensor("b", [2], [3, 4])],
  });
  writeFileSync(file, encodeModel(makeModel(graph)));
}

beforeAll(async () => {
  expect((await cli(["init"])).code).toBe(0);
  for (const name of ["mlp-small", "cnn-small"]) await writeFixture(name, workDirectory);
  writeConstantModel(path.join(workDirectory, "constant.onnx"));
  builds.mlp = await build("mlp-small.onnx");
  builds.mlpInt8 = await build("mlp-small.onnx", ["--quantize", "int8"]);
  builds.mlpWasm = await build("mlp-small.onnx", ["--target", "wasm"]);
  builds.cnn = await build("cnn-small.onnx");
  builds.ocr = await build(ocrClassifier);
  builds.cuda = await build("mlp-small.onnx", ["--target", "cuda"]);
  builds.constant = await build("constant.onnx");
}, 240_000);

describe("profile", () => {
  it("accounts for a CNN's latency node by node, stores it apart from benchmarks", async () => {
    const document = await profile(builds.cnn);
    expect(document.schema).toBe("mlbuild.profile/v1");
    expect(document.stored).toBe(true);
    expectAccountingCloses(document);
    expect(document.summary.op_types.map((total) => total.op_type)).toContain("Conv");
    expect(document.summary.nodes.every((node) => node.provider === "CPU")).toBe(true);

    const log = parseJson<Array<{ build_id: string; latest_benchmark: unknown }>>(
      await cli(["log", "--json"]),
    );
    expect(log.find((entry) => entry.build_id === builds.cnn)?.latest_benchmark).toBeNull();
  });

  it("prints the tables and the part in no node on stderr, nothing on stdout", async () => {
    const result = await cli(["profile", builds.mlp, "--runs", "5", "--top", "2"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/= nodes [0-9.]+ ms \+ not in any node [0-9.]+ ms/);
    expect(result.stderr).toMatch(/Time per op type:\n +OP TYPE +MEAN +SHARE/);
    expect(result.stderr).toMatch(/Top 2 of \d+ nodes:/);
    const byOp = await cli(["profile", builds.mlp, "--runs", "5", "--by", "op"]);
    expect(byOp.stderr).not.toMatch(/nodes:\n/);
  });

  it("profiles a PP-OCR model and an MLP on wasm", async () => {
    const ocr = await profile(builds.ocr, ["--runs", "5", "--shape", "x=1x3x48x192"]);
    expectAccountingCloses(ocr);
    expect(ocr.summary.nodes.length).toBeGreaterThan(50);
    const wasm = await profile(builds.mlpWasm, ["--runs", "5"]);
    expectAccountingCloses(wasm);
  });

  it("writes a trace that chrome://tracing and Perfetto open", async () => {
    const file = path.join(workDirectory, "cnn-trace.json");
    const document = await profile(builds.cnn, ["--warmup", "2", "--trace", file]);
    expect(document.trace_file).toBe(file);
    const trace = JSON.parse(readFileSync(file, "utf8")) as {
      traceEvents: Array<Record<string, unknown>>;
    };
    expect(trace.traceEvents.length).toBeGreaterThan(10);
    for (const event of trace.traceEvents) {
      expect(event).toMatchObject({ ph: expect.any(String), ts: expect.any(Number) });
      expect(typeof event.pid).toBe("number");
      expect(typeof event.tid).toBe("number");
      if (event.ph === "X") expect(typeof event.dur).toBe("number");
    }
    // First inference + 2 warm-up + 10 profiled runs.
    expect(trace.traceEvents.filter((event) => event.name === "model_run")).toHaveLength(13);
  });

  it("finds when a fresh session is warm and recommends a warm-up count", async () => {
    const document = await profile(builds.mlp, ["--analyze-warmup", "--warmup-runs", "30"]);
    const analysis = document.summary.warmup_analysis;
    expect(analysis).not.toBeNull();
    expect(analysis?.curve_ms).toHaveLength(30);
    expect(analysis?.session_creation_ms).toBeGreaterThan(0);
    expect(analysis?.first_inference_ms).toBe(analysis?.curve_ms[0]);
    expect(analysis?.method).toMatch(/PELT/);
    expect(Number.isInteger(analysis?.steady_state_index)).toBe(true);
    expect(analysis?.steady_state_index).toBeLessThan(30);
    expect(analysis?.recommended_warmup).toBeGreaterThanOrEqual(1);
  });
});

describe("diff --profile", () => {
  it("shows how the time per op type changed from fp32 to int8", async () => {
    const first = await cli(["diff", builds.mlp, builds.mlpInt8, "--profile", "--json"], 180_000);
    expect(first.code, first.stderr).toBe(0);
    const diff = parseJson<{
      profile: {
        a: { profiled_now: boolean };
        b: { profiled_now: boolean };
        op_types: Array<{ op_type: string; a_ms: number | null; b_ms: number | null }>;
      };
    }>(first).profile;
    expect(diff.b.profiled_now).toBe(true);
    const onlyInInt8 = diff.op_types.filter((entry) => entry.a_ms === null && entry.b_ms !== null);
    expect(onlyInInt8.map((entry) => entry.op_type).join(" ")).toMatch(/Integer|Quantize/);

    const again = await cli(["diff", builds.mlp, builds.mlpInt8, "--profile"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/time per op type \(profiles/);
  });
});

describe("bad input: a clear message, the right exit code, the registry untouched", () => {
  async function expectRefused(args: string[], exitCode: number, message: RegExp) {
    const before = registryState(registry);
    const result = await cli(["profile", ...args]);
    expect(result.code, result.stderr).toBe(exitCode);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(registryState(registry)).toBe(before);
  }

  it("a target this host cannot run names the host it needs", async () => {
    await expectRefused([builds.cuda], 2, /cannot run on this host: it needs .*NVIDIA GPU/);
  });

  it("a model whose profile comes back empty says so", async () => {
    await expectRefused(
      [builds.constant, "--runs", "3"],
      2,
      /profile came back empty: the runtime ran no operator.*\n.*hint: .*optimization=disabled/,
    );
  });

  it("--top 0 is a usage error", async () => {
    await expectRefused([builds.mlp, "--top", "0"], 2, /--top/);
  });

  it("--trace into a missing folder is refused before profiling", async () => {
    await expectRefused(
      [builds.mlp, "--trace", path.join(workDirectory, "no", "such", "trace.json")],
      2,
      /Cannot write --trace/,
    );
  });
});
