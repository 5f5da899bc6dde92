/**
 * Where a transformed build starts to differ from its source: every float value that both
 * models compute under the same name is exposed as an output, both run on the same inputs, and
 * the error is reported per value in graph order. The first value whose error passes the
 * threshold is the first offender; values after it inherit its error.
 */
import { UsageError } from "../errors.js";
import { loadModelBuffer } from "../onnx/model.js";
import { decodeModel, encodeModel, type ModelProto, TensorProto_DataType } from "../onnx/proto.js";
import { exposeValues } from "../onnx/transforms/expose.js";
import { inferElementTypes } from "../onnx/transforms/value-types.js";
import type { Workspace } from "../workspace.js";
import { ErrorAccumulator } from "./accuracy.js";
import { ModelRunner } from "./model-runner.js";
import { randomSamples } from "./samples.js";

export interface LayerError {
  /** The value's name, and the operator that computes it in the source model. */
  value: string;
  opType: string;
  max_abs_error: number;
  cosine_similarity: number;
  sqnr_db: number | null;
  /** False when the transformed model computed an infinity or NaN here. */
  finite: boolean;
}

export interface DivergenceReport {
  build_id: string;
  quantization: string;
  /** SQNR below this (in dB) makes a value an offender. */
  threshold_sqnr_db: number;
  first_offender: LayerError | null;
  layers: LayerError[];
  samples: number;
}

/** 30 dB: the error's power is a thousandth of the signal's, about 3% RMS error. */
const DEFAULT_THRESHOLD_DB = 30;
const SAMPLE_COUNT = 2;

/** Float values computed by nodes of the source, in graph order, that the candidate also has. */
function matchingValues(source: ModelProto, candidate: ModelProto): Array<[string, string]> {
  const graph = source.graph;
  if (!graph) return [];
  const types = inferElementTypes(graph);
  const candidateValues = new Set(candidate.graph?.node.flatMap((node) => node.output));
  const matches: Array<[string, string]> = [];
  for (const node of graph.node) {
    if (node.opType === "Constant") continue;
    for (const name of node.output) {
      const isFloat = types.get(name) === TensorProto_DataType.FLOAT;
      if (isFloat && candidateValues.has(name)) matches.push([name, node.opType]);
    }
  }
  return matches;
}

export async function findDivergence(
  workspace: Workspace,
  reference: string,
  thresholdDb = DEFAULT_THRESHOLD_DB,
): Promise<DivergenceReport> {
  const build = await workspace.registry.resolve(reference);
  if (build.quantization === "fp32" && build.config.optimize === "none") {
    throw new UsageError(
      "NOT_TRANSFORMED",
      `Build ${build.buildId.slice(0, 12)} has no transform`,
      {
        hint: "Divergence compares a --quantize or --optimize build with its source model.",
      },
    );
  }
  if (!workspace.store.has(build.sourceHash)) {
    throw new UsageError(
      "SOURCE_NOT_STORED",
      `The source model of ${build.buildId.slice(0, 12)} is not in the store`,
      {
        hint: "Build it again with this mlbuild version; transformed builds now keep their source.",
      },
    );
  }
  const sourceBytes = await workspace.store.read(build.sourceHash);
  const candidateBytes = await workspace.store.read(build.artifactHash);
  const source = decodeModel(sourceBytes);
  const candidate = decodeModel(candidateBytes);
  const matches = matchingValues(source, candidate);
  const names = matches.map(([name]) => name);

  const inputs = await randomSamples(await loadModelBuffer(sourceBytes), SAMPLE_COUNT);
  const sourceRunner = await ModelRunner.open(encodeModel(exposeValues(source, names)), "basic");
  const candidateRunner = await ModelRunner.open(
    encodeModel(exposeValues(candidate, names)),
    "basic",
  );
  const errors = new Map(names.map((name) => [name, new ErrorAccumulator()]));
  try {
    for (const sample of inputs.samples) {
      const expected = await sourceRunner.run(sample);
      const actual = await candidateRunner.run(sample);
      for (const name of names) {
        const reference = expected.get(name);
        const value = actual.get(name);
        if (reference && value && reference.values.length === value.values.length) {
          errors.get(name)?.add(reference.values, value.values);
        }
      }
    }
  } finally {
    await sourceRunner.release();
    await candidateRunner.release();
  }

  const layers = matches.map(([value, opType]): LayerError => {
    const accumulator = errors.get(value) as ErrorAccumulator;
    const result = accumulator.result(inputs.samples.length, inputs.source);
    return {
      value,
      opType,
      max_abs_error: result.max_abs_error,
      cosine_similarity: result.cosine_similarity,
      sqnr_db: result.sqnr_db,
      finite: !accumulator.hasNonFinite,
    };
  });
  const firstOffender =
    layers.find(
      (layer) => !layer.finite || (layer.sqnr_db !== null && layer.sqnr_db < thresholdDb),
    ) ?? null;
  return {
    build_id: build.buildId,
    quantization: build.quantization,
    threshold_sqnr_db: thresholdDb,
    first_offender: firstOffender,
    layers,
    samples: inputs.samples.length,
  };
}
