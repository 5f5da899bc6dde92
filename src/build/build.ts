import path from "node:path";
import { UsageError } from "../errors.js";
import { resolveExternalData } from "../onnx/external-data.js";
import { type LoadedModel, loadModelBuffer, loadModelFile } from "../onnx/model.js";
import { encodeModel } from "../onnx/proto.js";
import { summarizeModel } from "../onnx/summary.js";
import type { BuildRecord, JsonObject } from "../registry/records.js";
import { createSession } from "../runtime/session.js";
import { formatTarget, hostSupport, parseTarget, type Target } from "../runtime/targets.js";
import { sha256 } from "../store/object-store.js";
import type { Workspace } from "../workspace.js";
import { placeArtifact } from "./artifact-placement.js";
import {
  type BuildConfig,
  buildIdOf,
  type Optimization,
  type Quantization,
  toolchainFor,
} from "./identity.js";
import { parseModelSource, readGitFile } from "./source.js";
import { measureBuildAccuracy, prepareTransformInputs } from "./transform-inputs.js";
import { applyTransforms, transformsFor } from "./transforms.js";

export interface BuildRequest {
  /** A file path or `git:REV:PATH`. */
  model: string;
  target?: string;
  quantize?: Quantization;
  optimize?: Optimization;
  transformOptions?: JsonObject;
  /** Calibration data for int8-static; validation data for the accuracy of other transforms. */
  calibrationDir?: string;
  name?: string;
  notes?: string;
  cwd?: string;
}

export interface BuildResult {
  build: BuildRecord;
  /** False when a build with the same ID existed: nothing was changed. */
  created: boolean;
  /** What each transform did, when one ran. */
  transformReports: JsonObject;
}

/**
 * The highest `ai.onnx` opset we accept without loading the model in its runtime (for targets
 * this host cannot run). Hosts that can run the target ask the runtime itself.
 */
const highestKnownOpset = 23;

async function loadSource(request: BuildRequest): Promise<{ model: LoadedModel; label: string }> {
  const source = parseModelSource(request.model, request.cwd);
  if (source.kind === "file")
    return { model: await loadModelFile(source.path), label: source.label };

  // TODO(external data at a revision): models with external-data files are read from the
  // working tree only; `git:` sources must be self-contained.
  const bytes = await readGitFile(source.revision, source.path, request.cwd);
  const model = await loadModelBuffer(bytes, { label: source.label });
  return { model, label: source.label };
}

/** The model's bytes with any external data inlined: what is hashed and stored. */
async function selfContainedBytes(model: LoadedModel): Promise<Uint8Array> {
  if (model.externalDataFiles.length === 0) return model.bytes;
  return encodeModel(await resolveExternalData(model));
}

function checkOpsets(model: LoadedModel, target: Target): void {
  if (hostSupport(target).supported) return;
  for (const opset of model.proto.opsetImport) {
    const domain = opset.domain || "ai.onnx";
    if (domain === "ai.onnx" && Number(opset.version) > highestKnownOpset) {
      throw new UsageError(
        "OPSET_UNSUPPORTED",
        `The model imports ai.onnx opset ${opset.version}; this runtime supports up ` +
          `to ${highestKnownOpset}`,
        { hint: "Export the model with a lower opset." },
      );
    }
  }
}

export function buildConfigOf(request: BuildRequest, target: Target): BuildConfig {
  return {
    target: formatTarget(target),
    quantize: request.quantize ?? "fp32",
    optimize: request.optimize ?? "none",
    transformOptions: request.transformOptions ?? {},
  };
}

/** Builds a model for a target and records it; the same inputs always give the same build. */
export async function buildModel(
  workspace: Workspace,
  request: BuildRequest,
): Promise<BuildResult> {
  const target = parseTarget(request.target ?? "cpu");
  const { model, label } = await loadSource(request);
  checkOpsets(model, target);

  const source = await selfContainedBytes(model);
  const sourceHash = sha256(source);
  const transformInputs = await prepareTransformInputs(request, model);
  const config = buildConfigOf({ ...request, ...transformInputs }, target);
  const transformVersions = Object.fromEntries(
    transformsFor(config).map(([name, transform]) => [name, transform.version]),
  );
  const toolchain = toolchainFor(target, transformVersions);
  const buildId = buildIdOf(sourceHash, config, toolchain);

  const existing = await workspace.registry.builds.get(buildId);
  if (existing && workspace.store.has(existing.artifactHash)) {
    return { build: existing, created: false, transformReports: {} };
  }

  const transformed = await applyTransforms(source, config, transformInputs);
  const artifact = transformed.model;
  if (hostSupport(target).supported) {
    const session = await createSession(target, artifact);
    await session.release();
  }
  const accuracy =
    transformsFor(config).length > 0
      ? await measureBuildAccuracy(source, artifact, model, transformInputs)
      : null;

  // Transformed builds keep their source locally, so `inspect --divergence` can compare them.
  if (transformsFor(config).length > 0) await workspace.store.putBytes(source);
  const stored = await placeArtifact(workspace, artifact);
  const summary = summarizeModel(await loadModelBuffer(artifact, { label }));
  const build: BuildRecord = {
    buildId,
    createdAt: new Date().toISOString(),
    name: request.name ?? (existing?.name || defaultName(label)),
    notes: request.notes ?? null,
    sourceHash,
    sourceLabel: label,
    target: config.target,
    quantization: config.quantize,
    config,
    toolchain,
    artifactHash: stored.hash,
    artifactSize: stored.size,
    artifactLocation: stored.location,
    summary: summary as unknown as JsonObject,
    accuracy,
  };
  const created = await workspace.registry.transaction((tx) =>
    workspace.registry.builds.insert(build, tx),
  );
  return { build, created, transformReports: transformed.reports };
}

function defaultName(label: string): string {
  return path.basename(label.replace(/^git:[^:]+:/, ""), ".onnx");
}
