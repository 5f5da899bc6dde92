/**
 * Where the time of an inference goes, from the runtime's own per-node timings averaged over
 * the profiled runs (not an estimate split by FLOPs). The accounting closes: the measured
 * latency is the node kernels, plus the runtime's overhead inside `model_run` (executor,
 * allocations, fences), plus the binding's overhead outside it (JavaScript to native and back,
 * output tensors).
 */
import { UsageError } from "../errors.js";
import type { TraceEvent } from "./trace.js";

export interface NodeTime {
  name: string;
  op_type: string;
  /** The execution provider without its suffix: `CPU`, `WebGPU`… */
  provider: string;
  /** Each input as `dtype[d0,d1,…]`, as the runtime saw it. */
  input_shapes: string[];
  /** Kernel time per inference, averaged over the profiled runs. */
  mean_ms: number;
  /** Of the measured latency. */
  share: number;
  /** Kernel invocations over all profiled runs (more than the runs inside loops). */
  calls: number;
}

export interface OpTypeTime {
  op_type: string;
  mean_ms: number;
  share: number;
  nodes: number;
  calls: number;
}

export interface ProfileAccounting {
  /** Mean of `session.run` as the caller timed it. */
  measured_ms: number;
  /** Mean of the runtime's `model_run` events. */
  model_run_ms: number;
  /** Mean of the sum of node kernel times per run. */
  nodes_ms: number;
  /** model_run − nodes: the executor between kernels. */
  runtime_overhead_ms: number;
  /** measured − model_run: crossing from JavaScript into the runtime and back. */
  binding_overhead_ms: number;
  /** measured − nodes: the time that is in no node. */
  not_in_any_node_ms: number;
  not_in_any_node_share: number;
}

export interface ProfileBreakdown {
  runs: number;
  accounting: ProfileAccounting;
  op_types: OpTypeTime[];
  nodes: NodeTime[];
}

const kernelSuffix = "_kernel_time";

function isModelRun(event: TraceEvent): boolean {
  return event.ph === "X" && event.cat === "Session" && event.name === "model_run";
}

function isKernel(event: TraceEvent): boolean {
  return event.ph === "X" && event.cat === "Node" && event.name.endsWith(kernelSuffix);
}

function describeShapes(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((input) => {
    const [dtype, dims] = Object.entries(input as Record<string, unknown>)[0] ?? ["?", []];
    return `${dtype}[${Array.isArray(dims) ? dims.join(",") : ""}]`;
  });
}

function providerName(value: unknown): string {
  return typeof value === "string" ? value.replace(/ExecutionProvider$/, "") : "unknown";
}

interface NodeTotal {
  node: Omit<NodeTime, "mean_ms" | "share" | "calls">;
  microseconds: number;
  calls: number;
}

/** Kernel events that fall inside one of the runs, summed per node. */
function totalsPerNode(kernels: readonly TraceEvent[], runs: readonly TraceEvent[]) {
  const totals = new Map<string, NodeTotal>();
  const perRun = new Array<number>(runs.length).fill(0);
  let runIndex = 0;
  for (const event of [...kernels].sort((a, b) => a.ts - b.ts)) {
    while (runIndex < runs.length && event.ts > runs[runIndex].ts + (runs[runIndex].dur ?? 0)) {
      runIndex++;
    }
    if (runIndex >= runs.length) break;
    if (event.ts < runs[runIndex].ts) continue;

    const name = event.name.slice(0, -kernelSuffix.length);
    const total = totals.get(name) ?? {
      node: {
        name,
        op_type: String(event.args?.op_name ?? "unknown"),
        provider: providerName(event.args?.provider),
        input_shapes: describeShapes(event.args?.input_type_shape),
      },
      microseconds: 0,
      calls: 0,
    };
    total.microseconds += event.dur ?? 0;
    total.calls++;
    totals.set(name, total);
    perRun[runIndex] += event.dur ?? 0;
  }
  return { totals: [...totals.values()], perRun };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function emptyProfile(why: string): UsageError {
  return new UsageError("PROFILE_EMPTY", `The profile came back empty: ${why}`, {
    hint:
      "A graph that is all constants is folded away when the session loads; build it with " +
      "--target cpu:optimization=disabled to profile its nodes as written.",
  });
}

/**
 * Aggregates the last `measuredMs.length` inferences of a trace, the ones the caller timed:
 * earlier `model_run` events are the first inference and the warm-up.
 */
export function aggregateProfile(
  events: readonly TraceEvent[],
  measuredMs: readonly number[],
): ProfileBreakdown {
  const allRuns = events.filter(isModelRun).sort((a, b) => a.ts - b.ts);
  if (allRuns.length < measuredMs.length || measuredMs.length === 0) {
    throw emptyProfile(`${allRuns.length} model_run events for ${measuredMs.length} runs`);
  }
  const runs = allRuns.slice(allRuns.length - measuredMs.length);
  const { totals, perRun } = totalsPerNode(events.filter(isKernel), runs);
  if (totals.length === 0) throw emptyProfile("the runtime ran no operator in any inference");

  const count = runs.length;
  const measured = mean(measuredMs);
  const modelRun = mean(runs.map((run) => run.dur ?? 0)) / 1000;
  const nodesMs = mean(perRun) / 1000;
  const share = (ms: number) => (measured > 0 ? ms / measured : 0);

  const nodes: NodeTime[] = totals
    .map(({ node, microseconds, calls }) => {
      const meanMs = microseconds / count / 1000;
      return { ...node, mean_ms: meanMs, share: share(meanMs), calls };
    })
    .sort((a, b) => b.mean_ms - a.mean_ms || a.name.localeCompare(b.name));

  return {
    runs: count,
    accounting: {
      measured_ms: measured,
      model_run_ms: modelRun,
      nodes_ms: nodesMs,
      runtime_overhead_ms: modelRun - nodesMs,
      binding_overhead_ms: measured - modelRun,
      not_in_any_node_ms: measured - nodesMs,
      not_in_any_node_share: share(measured - nodesMs),
    },
    op_types: totalsPerOpType(nodes, share),
    nodes,
  };
}

function totalsPerOpType(nodes: readonly NodeTime[], share: (ms: number) => number) {
  const byType = new Map<string, OpTypeTime>();
  for (const node of nodes) {
    const total = byType.get(node.op_type) ?? {
      op_type: node.op_type,
      mean_ms: 0,
      share: 0,
      nodes: 0,
      calls: 0,
    };
    total.mean_ms += node.mean_ms;
    total.nodes++;
    total.calls += node.calls;
    byType.set(node.op_type, total);
  }
  return [...byType.values()]
    .map((total) => ({ ...total, share: share(total.mean_ms) }))
    .sort((a, b) => b.mean_ms - a.mean_ms || a.op_type.localeCompare(b.op_type));
}
