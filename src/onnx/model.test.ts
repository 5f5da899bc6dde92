import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MlbuildError } from "../errors.js";
import { makeGraph, makeModel, makeValueInfo } from "./builder.js";
import { externalDataReference, readTensorBytes, resolveExternalData } from "./external-data.js";
import { buildFixture, SeededRandom, writeFixture } from "./fixtures.js";
import { loadModelBuffer, loadModelFile, saveModel } from "./model.js";
import { encodeModel, TensorProto_DataType } from "./proto.js";
import { inlineTensorBytes } from "./tensor-data.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mlbuild-onnx-model-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `load` and returns the MlbuildError it throws, checking the error is well formed. */
async function loadError(load: () => Promise<unknown>): Promise<MlbuildError> {
  const error = await load().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(MlbuildError);
  const mlbuildError = error as MlbuildError;
  expect(mlbuildError.exitCode).toBe(2);
  expect(mlbuildError.message).not.toContain("\n");
  expect(mlbuildError.hint).toBeTruthy();
  return mlbuildError;
}

function mlpBytes(): Uint8Array {
  return encodeModel(buildFixture("mlp-small").model);
}

describe("loadModelFile", () => {
  it("loads a model with its bytes, size and path", async () => {
    const modelPath = await writeFixture("mlp-small", dir);

    const loaded = await loadModelFile(modelPath);

    expect(loaded.path).toBe(path.resolve(modelPath));
    expect(loaded.baseDir).toBe(dir);
    expect(loaded.byteSize).toBe((await readFile(modelPath)).byteLength);
    expect(loaded.proto.graph?.node.length).toBeGreaterThan(0);
    expect(loaded.externalDataFiles).toEqual([]);
  });

  it("refuses a missing file with MODEL_NOT_FOUND", async () => {
    const error = await loadError(() => loadModelFile(path.join(dir, "absent.onnx")));
    expect(error.code).toBe("MODEL_NOT_FOUND");
  });

  it("refuses a directory with MODEL_NOT_FOUND", async () => {
    const error = await loadError(() => loadModelFile(dir));
    expect(error.code).toBe("MODEL_NOT_FOUND");
    expect(error.message).toContain("directory");
  });

  it("refuses an empty file with MODEL_EMPTY", async () => {
    const emptyPath = path.join(dir, "empty.onnx");
    await writeFile(emptyPath, new Uint8Array(0));
    expect((await loadError(() => loadModelFile(emptyPath))).code).toBe("MODEL_EMPTY");
  });

  it("refuses a PNG image and says what it is", async () => {
    const pngPath = path.join(dir, "image.onnx");
    const header = [
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ];
    await writeFile(pngPath, Uint8Array.from(header));

    const error = await loadError(() => loadModelFile(pngPath));

    expect(error.code).toBe("MODEL_INVALID");
    expect(error.message).toContain("PNG");
  });

  it("refuses a Git LFS pointer and names the fix", async () => {
    const pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n";
    const error = await loadError(() => loadModelBuffer(new TextEncoder().encode(pointer)));
    expect(error.code).toBe("MODEL_INVALID");
    expect(error.hint).toContain("git lfs pull");
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "refuses random bytes (seed %i) with MODEL_INVALID",
    async (seed) => {
      const random = new SeededRandom(seed);
      const bytes = Uint8Array.from({ length: 4096 }, () => random.integer(0, 256));
      expect((await loadError(() => loadModelBuffer(bytes))).code).toBe("MODEL_INVALID");
    },
  );

  it.each([0.1, 0.5, 0.99])("refuses a model truncated to %f of its size", async (fraction) => {
    const bytes = mlpBytes();
    const cut = bytes.subarray(0, Math.floor(bytes.byteLength * fraction));
    expect((await loadError(() => loadModelBuffer(cut))).code).toBe("MODEL_INVALID");
  });

  it("refuses a model without a graph, or with an empty one, with MODEL_NO_GRAPH", async () => {
    const noGraph = makeModel(makeGraph({ nodes: [], inputs: [], outputs: [] }));
    noGraph.graph = undefined;
    const emptyGraph = makeModel(
      makeGraph({
        nodes: [],
        inputs: [makeValueInfo("x", TensorProto_DataType.FLOAT, [1])],
        outputs: [],
      }),
    );

    expect((await loadError(() => loadModelBuffer(encodeModel(noGraph)))).code).toBe(
      "MODEL_NO_GRAPH",
    );
    expect((await loadError(() => loadModelBuffer(encodeModel(emptyGraph)))).code).toBe(
      "MODEL_NO_GRAPH",
    );
  });
});

it("refuses a model cut between its graph and its operator sets with MODEL_INVALID", async () => {
  const model = buildFixture("mlp-small").model;
  model.opsetImport = [];
  const error = await loadError(() => loadModelBuffer(encodeModel(model)));
  expect(error.code).toBe("MODEL_INVALID");
  expect(error.message).toContain("operator set");
});

describe("external data", () => {
  let externalDir: string;
  let modelPath: string;

  beforeAll(async () => {
    externalDir = await mkdtemp(path.join(dir, "external-"));
    modelPath = await writeFixture("external-data", externalDir);
  });

  it("lists the external data files with their sizes", async () => {
    const loaded = await loadModelFile(modelPath);
    const dataPath = path.join(externalDir, "external-data.bin");
    const size = (await readFile(dataPath)).byteLength;
    expect(loaded.externalDataFiles).toEqual([
      { location: "external-data.bin", path: dataPath, size },
    ]);
  });

  it("reads and inlines external tensors to the bytes the in-memory model had", async () => {
    const loaded = await loadModelFile(modelPath);
    const inlined = await resolveExternalData(loaded);
    const original = makeOriginalInitializers();

    for (const tensor of inlined.graph?.initializer ?? []) {
      expect(tensor.externalData).toEqual([]);
      expect(Buffer.from(inlineTensorBytes(tensor))).toEqual(
        Buffer.from(original.get(tensor.name)!),
      );
    }
    const first = loaded.proto.graph!.initializer[0];
    expect(externalDataReference(first)?.location).toBe("external-data.bin");
    expect(Buffer.from(await readTensorBytes(first, loaded.baseDir))).toEqual(
      Buffer.from(original.get(first.name)!),
    );
  });

  it("refuses a model given as bytes with no folder to find its data in", async () => {
    const bytes = new Uint8Array(await readFile(modelPath));
    expect((await loadError(() => loadModelBuffer(bytes))).code).toBe("EXTERNAL_DATA_MISSING");
  });

  it("refuses a missing data file with EXTERNAL_DATA_MISSING", async () => {
    const copyDir = await mkdtemp(path.join(dir, "missing-"));
    const copyPath = await writeFixture("external-data", copyDir);
    await unlink(path.join(copyDir, "external-data.bin"));
    expect((await loadError(() => loadModelFile(copyPath))).code).toBe("EXTERNAL_DATA_MISSING");
  });

  it("refuses a data file that is too short with EXTERNAL_DATA_TRUNCATED", async () => {
    const copyDir = await mkdtemp(path.join(dir, "short-"));
    const copyPath = await writeFixture("external-data", copyDir);
    await truncate(path.join(copyDir, "external-data.bin"), 100);
    expect((await loadError(() => loadModelFile(copyPath))).code).toBe("EXTERNAL_DATA_TRUNCATED");
  });

  it.each(["../../etc/passwd", "/etc/passwd", "nested/../../outside.bin", "..\\secret.bin"])(
    "refuses the location %s with EXTERNAL_DATA_OUTSIDE",
    async (location) => {
      const model = (await loadModelFile(modelPath)).proto;
      model.graph!.initializer[0].externalData[0].value = location;
      const hostilePath = path.join(externalDir, "hostile.onnx");
      await saveModel(model, hostilePath);
      expect((await loadError(() => loadModelFile(hostilePath))).code).toBe(
        "EXTERNAL_DATA_OUTSIDE",
      );
    },
  );
});

/** Each initializer's bytes, cut from the in-memory fixture's external data at its offsets. */
function makeOriginalInitializers(): Map<string, Uint8Array> {
  const { model, externalData } = buildFixture("external-data");
  return new Map(
    model.graph!.initializer.map((tensor) => {
      const reference = externalDataReference(tensor);
      if (!reference) return [tensor.name, inlineTensorBytes(tensor)];
      const end = reference.offset + reference.length!;
      return [tensor.name, externalData!.data.subarray(reference.offset, end)];
    }),
  );
}
