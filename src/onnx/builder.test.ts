import { describe, expect, it } from "vitest";
import { FLOAT16_MAX, float16BitsToFloat32, float32ToFloat16Bits } from "../runtime/float16.js";
import {
  boolTensor,
  elementCount,
  findAttribute,
  float16Tensor,
  floatTensor,
  int64Tensor,
  makeGraph,
  makeModel,
  makeNode,
  makeValueInfo,
} from "./builder.js";
import {
  bytesPerElement,
  dtypeFromName,
  dtypeName,
  dtypeNames,
  tensorByteLength,
} from "./dtypes.js";
import { decodeModel, encodeModel, TensorProto_DataType } from "./proto.js";
import { describeValue } from "./summary.js";
import { decodeTensorValues, inlineTensorBytes } from "./tensor-data.js";

describe("dtypes", () => {
  it("maps every name back to its element type", () => {
    for (const name of dtypeNames()) {
      expect(dtypeName(dtypeFromName(name)!)).toBe(name);
    }
  });

  it("accepts common aliases and refuses unknown names", () => {
    expect(dtypeFromName("FP16")).toBe(TensorProto_DataType.FLOAT16);
    expect(dtypeFromName("float")).toBe(TensorProto_DataType.FLOAT);
    expect(dtypeFromName("tensor")).toBeUndefined();
    expect(dtypeName(999)).toBe("unknown(999)");
  });

  it("knows storage widths, including packed 4-bit types", () => {
    expect(bytesPerElement(TensorProto_DataType.INT64)).toBe(8);
    expect(bytesPerElement(TensorProto_DataType.INT4)).toBe(0.5);
    expect(bytesPerElement(TensorProto_DataType.STRING)).toBeUndefined();
    expect(tensorByteLength(TensorProto_DataType.UINT4, 3)).toBe(2);
  });
});

describe("float16", () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.1, 0x2e66],
    [FLOAT16_MAX, 0x7bff],
    [65520, 0x7c00],
    [1e6, 0x7c00],
    [2 ** -24, 0x0001],
    [2 ** -26, 0x0000],
    [Number.NEGATIVE_INFINITY, 0xfc00],
  ])("converts %f to 0x%s", (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it("rounds half to even and keeps NaN", () => {
    // 2049 lies halfway between the float16 neighbours 2048 and 2050.
    expect(float16BitsToFloat32(float32ToFloat16Bits(2049))).toBe(2048);
    expect(float16BitsToFloat32(float32ToFloat16Bits(2051))).toBe(2052);
    expect(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN))).toBeNaN();
  });

  it("round-trips every finite float16 exactly", () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16BitsToFloat32(bits);
      if (Number.isFinite(value) && float32ToFloat16Bits(value) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});

describe("builder", () => {
  it("stores tensors as little-endian raw data that decodes to the same values", () => {
    const floats = floatTensor("w", [2, 2], [1, 2.5, -3, 4]);
    const int64s = int64Tensor("shape", [3], [0, -1, 2n ** 40n]);
    const bools = boolTensor("mask", [3], [true, false, true]);
    const halves = float16Tensor("h", [2], [1, 0.5]);

    expect([...decodeTensorValues(inlineTensorBytes(floats), floats.dataType)]).toEqual([
      1, 2.5, -3, 4,
    ]);
    expect([...decodeTensorValues(inlineTensorBytes(int64s), int64s.dataType)]).toEqual([
      0n,
      -1n,
      2n ** 40n,
    ]);
    expect(Array.from(bools.rawData)).toEqual([1, 0, 1]);
    expect([...decodeTensorValues(halves.rawData, halves.dataType)]).toEqual([0x3c00, 0x3800]);
  });

  it("refuses data that does not fit the dims", () => {
    expect(() => floatTensor("w", [2, 3], [1, 2])).toThrow(/need 24 bytes/);
  });

  it("reads typed-field tensors as raw bytes", () => {
    const tensor = floatTensor("w", [2], [0, 0]);
    tensor.rawData = new Uint8Array(0);
    tensor.floatData = [1.5, -2];
    expect([...decodeTensorValues(inlineTensorBytes(tensor), tensor.dataType)]).toEqual([1.5, -2]);
  });

  it("spells attribute types out and reads them back", () => {
    const node = makeNode("Gemm", ["a", "b"], ["c"], {
      alpha: { float: 1 },
      transB: { int: 1 },
      perm: { ints: [0, 2, 1] },
    });
    expect(findAttribute(node, "alpha")).toEqual({ float: 1 });
    expect(findAttribute(node, "transB")).toEqual({ int: 1n });
    expect(findAttribute(node, "perm")).toEqual({ ints: [0n, 2n, 1n] });
    expect(findAttribute(node, "missing")).toBeUndefined();
  });

  it("describes symbolic, fixed and unknown dimensions", () => {
    const info = makeValueInfo("x", TensorProto_DataType.FLOAT, ["batch", 3, null]);
    expect(describeValue(info)).toEqual({ name: "x", dtype: "float32", shape: ["batch", 3, "?"] });
    expect(describeValue(makeValueInfo("y", TensorProto_DataType.INT64)).shape).toBeNull();
  });

  it("names unnamed nodes and survives an encode/decode round trip", () => {
    const graph = makeGraph({
      nodes: [makeNode("Relu", ["x"], ["y"])],
      inputs: [makeValueInfo("x", TensorProto_DataType.FLOAT, [1])],
      outputs: [makeValueInfo("y", TensorProto_DataType.FLOAT, [1])],
    });
    const model = makeModel(graph, { irVersion: 9, opsets: { "": 18, "com.microsoft": 1 } });

    const decoded = decodeModel(encodeModel(model));

    expect(decoded.graph?.node[0].name).toBe("Relu_0");
    expect(decoded.irVersion).toBe(9n);
    expect(decoded.opsetImport.map((opset) => [opset.domain, opset.version])).toEqual([
      ["", 18n],
      ["com.microsoft", 1n],
    ]);
    expect(elementCount([2n, 3n, 4n])).toBe(24);
  });
});
