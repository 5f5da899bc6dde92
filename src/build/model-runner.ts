/**
 * Runs a model on input samples in onnxruntime-node and hands back its float outputs as
 * float32, whatever their stored type. Accuracy, calibration and the divergence report all
 * compare or collect values this way.
 */
import { dtypeName } from "../onnx/dtypes.js";
import { decodeModel } from "../onnx/proto.js";
import { declaredElementType } from "../onnx/transforms/value-types.js";
import { fromFloat16Bits, toFloat16Bits } from "../runtime/float16.js";
import type { InputTensor } from "../runtime/inputs.js";
import {
  createSession,
  type InferenceSession,
  loadRuntime,
  type Ort,
  type OrtTensor,
} from "../runtime/session.js";
import { parseTarget } from "../runtime/targets.js";

export interface FloatOutput {
  dims: number[];
  values: Float32Array;
}

export class ModelRunner {
  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    /** Declared input types, to feed float32 samples to a model whose inputs are float16. */
    private readonly inputTypes: ReadonlyMap<string, string>,
  ) {}

  /**
   * Opens a session. Calibration and divergence pass "basic", so the intermediate values they
   * expose as outputs are computed as the graph names them; accuracy runs as a build would.
   */
  static async open(model: Uint8Array, level: "basic" | "all" = "all"): Promise<ModelRunner> {
    const target = parseTarget("cpu:threads=1");
    const ort = await loadRuntime(target);
    const session = await createSession(target, model, { graphOptimizationLevel: level });
    const inputs = decodeModel(model).graph?.input ?? [];
    const inputTypes = new Map(
      inputs.map((input) => [input.name, dtypeName(declaredElementType(input.type) ?? 0)]),
    );
    return new ModelRunner(ort, session, inputTypes);
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Float outputs by name (float32, float16 and float64 as float32); others are left out. */
  async run(sample: readonly InputTensor[]): Promise<Map<string, FloatOutput>> {
    const feeds = Object.fromEntries(sample.map((tensor) => [tensor.name, this.feed(tensor)]));
    const results = await this.session.run(feeds);
    const outputs = new Map<string, FloatOutput>();
    for (const [name, tensor] of Object.entries(results)) {
      const dims = [...tensor.dims];
      if (tensor.type === "float32")
        outputs.set(name, { dims, values: tensor.data as Float32Array });
      else if (tensor.type === "float16") {
        outputs.set(name, { dims, values: fromFloat16Bits(tensor.data as Uint16Array) });
      } else if (tensor.type === "float64") {
        outputs.set(name, { dims, values: Float32Array.from(tensor.data as Float64Array) });
      }
    }
    return outputs;
  }

  private feed(tensor: InputTensor): OrtTensor {
    const expected = this.inputTypes.get(tensor.name);
    if (tensor.dtype === "float32" && expected === "float16") {
      return new this.ort.Tensor(
        "float16",
        toFloat16Bits(tensor.data as Float32Array),
        tensor.shape,
      );
    }
    return new this.ort.Tensor(
      tensor.dtype as "float32",
      tensor.data as Float32Array,
      tensor.shape,
    );
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
