import { UsageError } from "../errors.js";

/**
 * What tracking accepts as names, keys and values. The limits follow MLflow's, so a run can be
 * copied to or from MLflow without being refused on the way.
 */

export const maxNameLength = 256;
/** MLflow's limit for param and metric keys. */
export const maxKeyLength = 250;
/** MLflow's limit for a param's value. */
export const maxParamValueLength = 6000;

/** MLflow's alphabet for keys: letters, digits, `_ - . /` and spaces. */
const keyPattern = /^[A-Za-z0-9_\-. /]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const controlCharacters = /[\u0000-\u001f\u007f]/;

function describeLength(value: string): string {
  return value.length === 0 ? "empty" : `${value.length} characters long`;
}

/** Experiment and run names: free text for people, 1-256 characters, no control characters. */
export function assertName(kind: "experiment" | "run", name: string): void {
  const code = kind === "experiment" ? "EXPERIMENT_NAME_INVALID" : "RUN_NAME_INVALID";
  const hint = `Give the ${kind} a name of 1 to ${maxNameLength} printable characters.`;
  if (name.trim().length === 0 || name.length > maxNameLength) {
    throw new UsageError(code, `The ${kind} name is ${describeLength(name.trim())}`, { hint });
  }
  if (controlCharacters.test(name)) {
    throw new UsageError(code, `The ${kind} name holds a control character`, { hint });
  }
}

export function assertKey(kind: "param" | "metric", key: string): void {
  const code = kind === "param" ? "PARAM_KEY_INVALID" : "METRIC_KEY_INVALID";
  const hint =
    `Use 1 to ${maxKeyLength} characters from A-Z, a-z, 0-9, '_', '-', '.', '/' and space ` +
    "(MLflow's rule).";
  if (key.length === 0 || key.length > maxKeyLength) {
    throw new UsageError(code, `The ${kind} key is ${describeLength(key)}`, { hint });
  }
  if (!keyPattern.test(key)) {
    throw new UsageError(code, `'${key}' is not a valid ${kind} key`, { hint });
  }
}

export function assertParamValue(key: string, value: string): void {
  if (value.length > maxParamValueLength) {
    throw new UsageError(
      "PARAM_VALUE_TOO_LONG",
      `The value of param '${key}' is ${value.length} characters long; the limit ` +
        `is ${maxParamValueLength}`,
      { hint: "Log a shorter value, or store the long text as a file next to the model." },
    );
  }
}

/** Metric values are numbers; NaN and ±Infinity are kept as they are (a diverged loss is data). */
export function assertMetricValue(key: string, value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw new UsageError(
      "METRIC_VALUE_INVALID",
      `The value of metric '${key}' must be a number, not ${typeof value}`,
      { hint: "Log numbers only; log text as a param." },
    );
  }
}

export function assertStep(step: unknown): asserts step is number {
  if (typeof step !== "number" || !Number.isSafeInteger(step)) {
    throw new UsageError("METRIC_STEP_INVALID", `The step ${String(step)} is not a whole number`, {
      hint: "Give --step a whole number such as 0, 1 or 1500.",
    });
  }
}

const decimalPattern = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const specialValues: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  "+inf": Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  "+infinity": Number.POSITIVE_INFINITY,
  "-inf": Number.NEGATIVE_INFINITY,
  "-infinity": Number.NEGATIVE_INFINITY,
};

/**
 * A metric value as typed on the command line: a decimal number, or `nan`, `inf`, `-inf`
 * (any case, `infinity` spelled out too). Hex, empty text and words are refused, and so is a
 * decimal too large for a float64, which would otherwise turn silently into Infinity.
 */
export function parseMetricValue(key: string, text: string): number {
  const trimmed = text.trim();
  const special = specialValues[trimmed.toLowerCase()];
  if (special !== undefined) return special;

  const hint = "Give a decimal number such as 0.93 or 1e-4, or nan, inf, -inf.";
  if (!decimalPattern.test(trimmed)) {
    throw new UsageError("METRIC_VALUE_INVALID", `'${text}' is not a number (metric '${key}')`, {
      hint,
    });
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value)) {
    throw new UsageError(
      "METRIC_VALUE_INVALID",
      `'${text}' is beyond the range of a 64-bit float (metric '${key}')`,
      { hint: "Write inf or -inf if an infinite value is what you mean." },
    );
  }
  return value;
}

export function parseStep(text: string): number {
  const step = Number(text);
  if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(step)) {
    throw new UsageError("METRIC_STEP_INVALID", `The step '${text}' is not a whole number`, {
      hint: "Give --step a whole number such as 0, 1 or 1500.",
    });
  }
  return step;
}
