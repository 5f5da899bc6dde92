/**
 * Operators the fp16 transform keeps in float32, with the reason for each. ONNX Runtime's CPU
 * provider loads every common operator in float16 (it inserts its own Casts where it has no
 * float16 kernel), so this list is about correctness: values that overflow float16's range of
 * ±65504, sums that lose precision, and inputs that must stay float32.
 */
export const float16BlockList: ReadonlyMap<string, string> = new Map([
  ["BatchNormalization", "running variances often exceed float16's range"],
  ["Pow", "squares of values above 256 overflow float16"],
  ["Exp", "e^x overflows float16 for x above 11"],
  ["ReduceSumSquare", "sums of squares overflow float16"],
  ["ReduceL2", "sums of squares overflow float16"],
  ["ReduceLogSumExp", "exponentials overflow float16"],
  ["ReduceProd", "products overflow float16"],
  ["CumSum", "long running sums lose precision in float16"],
  ["Range", "counters above 2048 are not exact in float16"],
  ["Resize", "scales and coordinates need float32 precision"],
  ["Upsample", "scales need float32 precision"],
  ["RoiAlign", "box coordinates need float32 precision"],
  ["NonMaxSuppression", "box coordinates and scores need float32 precision"],
  ["TopK", "ties introduced by rounding change which elements are picked"],
  ["RandomNormal", "generates float32 by definition"],
  ["RandomUniform", "generates float32 by definition"],
  ["RandomNormalLike", "generates float32 by definition"],
  ["RandomUniformLike", "generates float32 by definition"],
  ["QuantizeLinear", "scales are float32 before opset 19"],
  ["DequantizeLinear", "scales are float32 before opset 19"],
  ["DynamicQuantizeLinear", "defined for float32 input only"],
]);

/** Operator domains whose operators have no float16 forms at all. */
export const float16BlockedDomains: ReadonlySet<string> = new Set(["ai.onnx.ml", "com.microsoft"]);

/**
 * Operators the int8 transforms quantize, by the input that holds the weight. Everything else
 * stays float; the build's report counts what was left.
 */
export const int8WeightInputs: ReadonlyMap<string, number> = new Map([
  ["MatMul", 1],
  ["Gemm", 1],
  ["Conv", 1],
]);
