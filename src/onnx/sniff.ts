/**
 * Recognises common files that people pass by mistake instead of an `.onnx` model, so the error
 * can say "this is a PNG image" rather than "protobuf parse error at offset 13".
 */

export interface SniffedFormat {
  /** Completes "The file is ...". */
  description: string;
  hint: string;
}

const reexportHint = "Pass the .onnx file itself; export the model to ONNX first if you have none.";

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  return signature.every((byte, index) => bytes[at + index] === byte);
}

function startsWithText(bytes: Uint8Array, text: string, at = 0): boolean {
  return startsWith(
    bytes,
    [...text].map((character) => character.charCodeAt(0)),
    at,
  );
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  // Tab, newline, carriage return and printable ASCII; a protobuf model has binary bytes early on.
  return sample.every(
    (byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127),
  );
}

/** Describes the file if it is a well-known non-ONNX format; undefined otherwise. */
export function sniffNonOnnxFormat(bytes: Uint8Array): SniffedFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { description: "a PNG image", hint: reexportHint };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff]))
    return { description: "a JPEG image", hint: reexportHint };
  if (startsWithText(bytes, "GIF8")) return { description: "a GIF image", hint: reexportHint };
  if (startsWithText(bytes, "%PDF")) return { description: "a PDF document", hint: reexportHint };
  if (startsWithText(bytes, "version https://git-lfs")) {
    return {
      description: "a Git LFS pointer, not the model's contents",
      hint: "Run `git lfs pull` to fetch the real model file.",
    };
  }
  if (startsWith(bytes, [0x1f, 0x8b])) {
    return {
      description: "a gzip-compressed file",
      hint: "Decompress it and pass the .onnx inside.",
    };
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    return {
      description: "a ZIP archive (a PyTorch checkpoint is one)",
      hint:
        "Export PyTorch models with torch.onnx.export; unzip archives and pass the " +
        ".onnx inside.",
    };
  }
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    return {
      description: "a Python pickle (a PyTorch or scikit-learn model?)",
      hint: "Convert it to ONNX first (torch.onnx.export, skl2onnx) and pass the .onnx file.",
    };
  }
  if (startsWithText(bytes, "TFL3", 4)) {
    return { description: "a TensorFlow Lite model", hint: "Convert it to ONNX first (tf2onnx)." };
  }
  if (looksLikeText(bytes)) {
    return {
      description: "a text file",
      hint:
        "Check the path: an ONNX model is a binary file. A failed download often saves " +
        "an error page.",
    };
  }
  return undefined;
}
