import type { JsonObject } from "./records.js";

export function parseJsonObject(text: string | null): JsonObject | null {
  return text === null ? null : (JSON.parse(text) as JsonObject);
}

/** Latency samples travel as little-endian float64, eight bytes a sample. */
export function encodeSamples(samples: Float64Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 8);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < samples.length; index++) {
    view.setFloat64(index * 8, samples[index], true);
  }
  return bytes;
}

export function decodeSamples(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float64Array(bytes.byteLength / 8);
  for (let index = 0; index < samples.length; index++) {
    samples[index] = view.getFloat64(index * 8, true);
  }
  return samples;
}
