/** How `profile` and `diff --profile` print where the time goes. */
import type { OpTypeChange, ProfileDiff } from "../profile/op-type-diff.js";
import type { ProfileResult } from "../profile/profile.js";
import type { WarmupAnalysis } from "../profile/warmup.js";
import { renderTable, shortId } from "./table.js";

export type ProfileView = "node" | "op";

function ms(value: number): string {
  return `${value.toFixed(Math.abs(value) < 10 ? 3 : 2)} ms`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function accountingLines(result: ProfileResult): string[] {
  const { accounting } = result.summary;
  return [
    `  Measured (mean):       ${ms(accounting.measured_ms)} = ` +
      `nodes ${ms(accounting.nodes_ms)} + not in any ` +
      `node ${ms(accounting.not_in_any_node_ms)} (${percent(accounting.not_in_any_node_share)})`,
    `    runtime overhead     ${ms(accounting.runtime_overhead_ms)}  model_run minus node ` +
      `kernels: executor, allocations`,
    `    binding overhead     ${ms(accounting.binding_overhead_ms)}  session.run minus ` +
      `model_run: JavaScript to the runtime and back`,
    `  Cold start:            session ${ms(result.summary.session_creation_ms)}, first ` +
      `inference ${ms(result.summary.first_inference_ms)} (profiler on)`,
  ];
}

function opTypeTable(result: ProfileResult, top: number): string {
  const rows = result.summary.op_types
    .slice(0, top)
    .map((total) => [
      total.op_type,
      ms(total.mean_ms),
      percent(total.share),
      String(total.nodes),
      String(total.calls),
    ]);
  return renderTable(["OP TYPE", "MEAN", "SHARE", "NODES", "CALLS"], rows, {
    indent: "  ",
    align: ["left", "right", "right", "right", "right"],
  });
}

function nodeTable(result: ProfileResult, top: number): string {
  const rows = result.summary.nodes
    .slice(0, top)
    .map((node) => [
      node.name.length > 40 ? `…${node.name.slice(-39)}` : node.name,
      node.op_type,
      node.provider,
      node.input_shapes.join(" "),
      ms(node.mean_ms),
      percent(node.share),
      String(node.calls),
    ]);
  return renderTable(["NODE", "OP TYPE", "PROVIDER", "INPUTS", "MEAN", "SHARE", "CALLS"], rows, {
    indent: "  ",
    align: ["left", "left", "left", "left", "right", "right", "right"],
  });
}

export function warmupLines(analysis: WarmupAnalysis): string[] {
  const curve = analysis.curve_ms
    .slice(0, 12)
    .map((value) => value.toFixed(value < 10 ? 2 : 1))
    .join(" ");
  const steady =
    `from run ${analysis.steady_state_index} at ${ms(analysis.steady_state_ms)}` +
    (analysis.settled ? "" : ` (late in ${analysis.curve_ms.length} runs: raise --warmup-runs)`);
  return [
    "Warm-up (fresh session, profiler off):",
    `  Session creation ${ms(analysis.session_creation_ms)}, first ` +
      `inference ${ms(analysis.first_inference_ms)}`,
    `  First runs (ms):  ${curve}${analysis.curve_ms.length > 12 ? " …" : ""}`,
    `  Steady state:     ${steady}; change points at [${analysis.change_points.join(", ")}]`,
    `  Recommended:      benchmark --warmup ${analysis.recommended_warmup}`,
    `  Method:           ${analysis.method}`,
  ];
}

export function renderProfile(result: ProfileResult, view: ProfileView, top: number): string {
  const { summary } = result;
  const lines = [
    `Profile of ${shortId(result.build_id)} on ${result.target}: ${summary.runs} runs ` +
      `after ${summary.warmup} warm-up`,
    ...accountingLines(result),
    "",
    `Time per op type${view === "op" && summary.op_types.length > top ? ` (top ${top})` : ""}:`,
    opTypeTable(result, view === "op" ? top : summary.op_types.length),
  ];
  if (view === "node") {
    lines.push("", `Top ${Math.min(top, summary.nodes.length)} of ${summary.nodes.length} nodes:`);
    lines.push(nodeTable(result, top));
  }
  if (summary.warmup_analysis) lines.push("", ...warmupLines(summary.warmup_analysis));
  if (result.trace_file) lines.push("", `Trace written to ${result.trace_file}`);
  lines.push(`  profile ${result.profile_id.slice(0, 12)}${result.stored ? "" : " (not stored)"}`);
  return lines.join("\n");
}

function optionalMs(value: number | null): string {
  return value === null ? "-" : ms(value);
}

function change(entry: OpTypeChange): string {
  if (entry.change_pct === null) return entry.b_ms === null ? "-" : "new";
  return `${entry.change_pct >= 0 ? "+" : ""}${entry.change_pct.toFixed(1)}%`;
}

export function renderProfileDiff(diff: ProfileDiff): string {
  const rows = diff.op_types.map((entry) => [
    entry.op_type,
    optionalMs(entry.a_ms),
    optionalMs(entry.b_ms),
    `${entry.change_ms >= 0 ? "+" : ""}${ms(entry.change_ms)}`,
    change(entry),
  ]);
  const sign = diff.measured_change_pct >= 0 ? "+" : "";
  const fresh = [diff.a.profiled_now ? "A" : "", diff.b.profiled_now ? "B" : ""].filter(Boolean);
  const note = fresh.length > 0 ? `; ${fresh.join(" and ")} profiled now, none was stored` : "";
  const lines = [
    `time per op type (profiles ${diff.a.profile_id.slice(0, 12)} ` +
      `-> ${diff.b.profile_id.slice(0, 12)}${note}):`,
    renderTable(["OP TYPE", "A", "B", "CHANGE", "%"], rows, {
      indent: "  ",
      align: ["left", "right", "right", "right", "right"],
    }),
    `  measured ${ms(diff.a.measured_ms)} -> ${ms(diff.b.measured_ms)} ` +
      `(${sign}${diff.measured_change_pct.toFixed(1)}%); ` +
      `not in any node ${ms(diff.a.not_in_any_node_ms)} -> ${ms(diff.b.not_in_any_node_ms)}`,
  ];
  return lines.join("\n");
}
