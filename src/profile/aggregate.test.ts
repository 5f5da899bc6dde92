import { describe, expect, it } from "vitest";
import { aggregateProfile } from "./aggregate.js";
import { parseTrace, type TraceEvent } from "./trace.js";

function modelRun(ts: number, dur: number): TraceEvent {
  return { cat: "Session", name: "model_run", ph: "X", ts, dur, pid: 1, tid: 1 };
}

function kernel(node: string, op: string, ts: number, dur: number): TraceEvent {
  return {
    cat: "Node",
    name: `${node}_kernel_time`,
    ph: "X",
    ts,
    dur,
    pid: 1,
    tid: 1,
    args: {
      op_name: op,
      provider: "CPUExecutionProvider",
      input_type_shape: [{ float: [1, 4] }, { float: [4, 4] }],
    },
  };
}

/** A warm-up run, then two timed runs of 1 ms each inside a 1.2 ms session.run. */
const events: TraceEvent[] = [
  modelRun(0, 5000),
  kernel("gemm", "Gemm", 100, 4000),
  modelRun(10_000, 1000),
  kernel("gemm", "Gemm", 10_050, 600),
  kernel("relu", "Relu", 10_700, 200),
  modelRun(20_000, 1000),
  kernel("gemm", "Gemm", 20_050, 600),
  kernel("relu", "Relu", 20_700, 200),
];

describe("aggregateProfile", () => {
  it("averages the timed runs and accounts for the time in no node", () => {
    const profile = aggregateProfile(events, [1.2, 1.2]);
    expect(profile.runs).toBe(2);
    expect(profile.nodes.map((node) => [node.name, node.mean_ms, node.calls])).toEqual([
      ["gemm", 0.6, 2],
      ["relu", 0.2, 2],
    ]);
    expect(profile.nodes[0]).toMatchObject({
      op_type: "Gemm",
      provider: "CPU",
      input_shapes: ["float[1,4]", "float[4,4]"],
    });
    expect(profile.accounting.nodes_ms).toBeCloseTo(0.8);
    expect(profile.accounting.runtime_overhead_ms).toBeCloseTo(0.2);
    expect(profile.accounting.binding_overhead_ms).toBeCloseTo(0.2);
    expect(profile.accounting.not_in_any_node_share).toBeCloseTo(0.4 / 1.2);
    expect(profile.op_types[0]).toMatchObject({ op_type: "Gemm", nodes: 1, calls: 2 });
    expect(profile.op_types[0].share).toBeCloseTo(0.5);
  });

  it("refuses a trace in which no operator ran", () => {
    expect(() => aggregateProfile([modelRun(0, 10)], [0.1])).toThrow(/came back empty/);
  });
});

describe("parseTrace", () => {
  it("takes an array or { traceEvents } and rejects events without times", () => {
    expect(parseTrace(JSON.stringify(events))).toHaveLength(events.length);
    expect(parseTrace(JSON.stringify({ traceEvents: events }))).toHaveLength(events.length);
    expect(() => parseTrace('[{"name":"x","ph":"X","pid":1,"tid":1}]')).toThrow(/event 0/);
    expect(() => parseTrace("not json")).toThrow(/not a trace/);
  });
});
