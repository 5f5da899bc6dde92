/**
 * ONNX Runtime's profile: a Chrome trace (the "Trace Event Format" that chrome://tracing and
 * Perfetto read). Each operator run is a complete event (`ph: "X"`) of category `Node` named
 * `<node>_kernel_time`; each inference is a `Session` event named `model_run`. Times are in µs.
 */
import { RuntimeFailure } from "../errors.js";

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

/** The file `--trace` writes: the object form of the format, which both viewers open. */
export interface TraceDocument {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ms";
  otherData: Record<string, string>;
}

function invalidTrace(why: string): RuntimeFailure {
  return new RuntimeFailure(
    "PROFILE_TRACE_INVALID",
    `The runtime's profile is not a trace: ${why}`,
    {
      hint: "Run `mlbuild doctor` to check the runtime install; nothing was recorded.",
    },
  );
}

function isEvent(value: unknown): value is TraceEvent {
  const event = value as Partial<TraceEvent> | null;
  return (
    typeof event === "object" &&
    event !== null &&
    typeof event.name === "string" &&
    typeof event.ph === "string" &&
    typeof event.ts === "number" &&
    typeof event.pid === "number" &&
    typeof event.tid === "number" &&
    (event.ph !== "X" || typeof event.dur === "number")
  );
}

/** Parses the runtime's profile (a JSON array of events, or `{ traceEvents }`) and checks it. */
export function parseTrace(text: string): TraceEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidTrace(error instanceof Error ? error.message : String(error));
  }
  const events = Array.isArray(parsed)
    ? parsed
    : (parsed as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) throw invalidTrace("neither an array nor { traceEvents: [...] }");
  const bad = events.findIndex((event) => !isEvent(event));
  if (bad >= 0) throw invalidTrace(`event ${bad} lacks name, ph, ts, dur, pid or tid`);
  return events as TraceEvent[];
}

/**
 * The trace as `--trace` writes it, with a process name so the viewers label the timeline
 * (a metadata event, `ph: "M"`).
 */
export function traceDocument(
  events: readonly TraceEvent[],
  label: string,
  otherData: Record<string, string>,
): TraceDocument {
  const pids = [...new Set(events.map((event) => event.pid))];
  const names: TraceEvent[] = pids.map((pid) => ({
    name: "process_name",
    ph: "M",
    ts: 0,
    pid,
    tid: 0,
    args: { name: label },
  }));
  return { traceEvents: [...names, ...events], displayTimeUnit: "ms", otherData };
}
