import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type InputSignature, parseShapeOverride, prepareInputs } from "./inputs.js";
import { readNpy, writeNpy } from "./npy.js";

const multiInput: InputSignature[] = [
  { name: "features", dtype: "float32", shape: ["batch", 4] },
  { name: "count", dtype: "int64", shape: [] },
  { name: "mask", dtype: "bool", shape: ["batch", 4] },
  { name: "pixels", dtype: "uint8", shape: ["batch", 4] },
  { name: "half", dtype: "float16", shape: ["batch", 2] },
  { name: "ids", dtype: "int32", shape: [3] },
];

describe("prepareInputs", () => {
  it("gives every dtype data of its own type, symbolic dims 1, scalars rank 0", async () => {
    const tensors = await prepareInputs(multiInput);
    expect(tensors.map((tensor) => [tensor.name, tensor.shape])).toEqual([
      ["features", [1, 4]],
      ["count", []],
      ["mask", [1, 4]],
      ["pixels", [1, 4]],
      ["half", [1, 2]],
      ["ids", [3]],
    ]);
    expect(tensors[0].data).toBeInstanceOf(Float32Array);
    expect(tensors[1].data).toBeInstanceOf(BigInt64Array);
    expect(tensors[1].data.length).toBe(1);
    expect([...tensors[2].data].every((value) => value === 0 || value === 1)).toBe(true);
    expect(tensors[4].data).toBeInstanceOf(Uint16Array);
    expect(tensors[5].data).toBeInstanceOf(Int32Array);
  });

  it("is reproducible for a seed and differs across seeds", async () => {
    const first = await prepareInputs(multiInput, { seed: 7 });
    const again = await prepareInputs(multiInput, { seed: 7 });
    const other = await prepareInputs(multiInput, { seed: 8 });
    expect(again[0].data).toEqual(first[0].data);
    expect(other[0].data).not.toEqual(first[0].data);
  });

  it("--batch and --shape bind shared symbols across inputs", async () => {
    const batched = await prepareInputs(multiInput, { batch: 5 });
    expect(batched[2].shape).toEqual([5, 4]);
    const shaped = await prepareInputs(multiInput, { shapes: ["features=3x4"] });
    expect(shaped.map((tensor) => tensor.shape[0])).toEqual([3, undefined, 3, 3, 3, 3]);
  });

  it("refuses unknown names, wrong ranks, fixed-dim conflicts and bad syntax", async () => {
    await expect(prepareInputs(multiInput, { shapes: ["nope=1x4"] })).rejects.toMatchObject({
      code: "INPUT_UNKNOWN",
      exitCode: 2,
    });
    await expect(prepareInputs(multiInput, { shapes: ["features=1x4x4"] })).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
    });
    await expect(prepareInputs(multiInput, { shapes: ["features=1x5"] })).rejects.toMatchObject({
      code: "SHAPE_MISMATCH",
    });
    await expect(
      prepareInputs(multiInput, { shapes: ["features=2x4", "mask=3x4"] }),
    ).rejects.toMatchObject({ code: "SHAPE_MISMATCH" });
    expect(() => parseShapeOverride("features=1x0")).toThrow(/Bad --shape/);
    expect(parseShapeOverride("count=")).toEqual({ name: "count", shape: [] });
  });

  it("refuses --batch when no input has a symbolic first dim", async () => {
    const fixed: InputSignature[] = [{ name: "x", dtype: "float32", shape: [1, 3] }];
    await expect(prepareInputs(fixed, { batch: 2 })).rejects.toMatchObject({
      code: "BATCH_FIXED",
    });
  });
});

describe("--inputs DIR", () => {
  let directory: string;
  const signatures: InputSignature[] = [
    { name: "features", dtype: "float32", shape: ["batch", 4] },
    { name: "count", dtype: "int64", shape: [] },
  ];

  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), "mlbuild-inputs-"));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("reads .npy and .json files named after the inputs", async () => {
    const features = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    await writeFile(
      path.join(directory, "features.npy"),
      writeNpy({ dtype: "float32", shape: [2, 4], data: features }),
    );
    await writeFile(path.join(directory, "count.json"), JSON.stringify(3));
    const tensors = await prepareInputs(signatures, { inputsDir: directory });
    expect(tensors[0].shape).toEqual([2, 4]);
    expect([...tensors[0].data]).toEqual([...features]);
    expect(tensors[1]).toMatchObject({ shape: [], dtype: "int64" });
    expect(tensors[1].data[0]).toBe(3n);
  });

  it("refuses a .npy of the wrong dtype, a missing input and a stray file", async () => {
    const wrong = writeNpy({ dtype: "float64", shape: [1, 4], data: new Float64Array(4) });
    await writeFile(path.join(directory, "features.npy"), wrong);
    await writeFile(path.join(directory, "count.json"), "[1]");
    await expect(prepareInputs(signatures, { inputsDir: directory })).rejects.toMatchObject({
      code: "INPUT_DTYPE_MISMATCH",
      exitCode: 2,
    });

    await rm(path.join(directory, "features.npy"));
    await expect(prepareInputs(signatures, { inputsDir: directory })).rejects.toMatchObject({
      code: "INPUT_MISSING",
    });

    await writeFile(path.join(directory, "other.json"), "[1]");
    await expect(prepareInputs(signatures, { inputsDir: directory })).rejects.toMatchObject({
      code: "INPUT_UNKNOWN",
    });
  });
});

describe("npy", () => {
  it("round-trips every supported dtype with a 64-byte aligned header", () => {
    const arrays = [
      { dtype: "int64", shape: [2], data: new BigInt64Array([1n, -2n]) },
      { dtype: "bool", shape: [3], data: new Uint8Array([1, 0, 1]) },
      { dtype: "float16", shape: [1, 1], data: new Uint16Array([0x3c00]) },
      { dtype: "uint8", shape: [], data: new Uint8Array([200]) },
    ];
    for (const array of arrays) {
      const bytes = writeNpy(array);
      expect((bytes.length - array.data.byteLength) % 64).toBe(0);
      expect(readNpy(bytes)).toEqual(array);
    }
  });

  it("refuses big-endian data and non-npy bytes", () => {
    const bytes = writeNpy({ dtype: "int32", shape: [1], data: new Int32Array([1]) });
    bytes[new TextDecoder("latin1").decode(bytes).indexOf("<i4")] = ">".charCodeAt(0);
    expect(() => readNpy(bytes)).toThrow(/little-endian/);
    expect(() => readNpy(new Uint8Array(20))).toThrow(/magic/);
  });
});
