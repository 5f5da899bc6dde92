/**
 * `diff A B --profile`: how the time per op type moved between two builds, e.g. fp32 → int8,
 * where Conv time may become ConvInteger plus DynamicQuantizeLinear time. Each build's latest
 * stored profile is used; a build without one is profiled now (and stored, as `profile` would).
 */
import { profileKind } from "../registry/benchmarks.js";
import type { BuildRecord } from "../registry/records.js";
import type { Workspace } from "../workspace.js";
import { runProfile } from "./profile.js";
import { type ProfileSummary, profileSummaryOf } from "./record.js";

export interface ProfileSide {
  build_id: string;
  profile_id: string;
  testbed_hash: string;
  /** True when this diff ran the profile because none was stored. */
  profiled_now: boolean;
  measured_ms: number;
  nodes_ms: number;
  not_in_any_node_ms: number;
}

export interface OpTypeChange {
  op_type: string;
  /** Mean time per inference; null when the build runs no node of this type. */
  a_ms: number | null;
  b_ms: number | null;
  /** b − a, counting a missing side as 0 ms. */
  change_ms: number;
  /** Relative to a; null when a has none. */
  change_pct: number | null;
  a_share: number | null;
  b_share: number | null;
}

export interface ProfileDiff {
  a: ProfileSide;
  b: ProfileSide;
  same_testbed: boolean;
  op_types: OpTypeChange[];
  measured_change_pct: number;
}

interface LoadedProfile {
  side: ProfileSide;
  summary: ProfileSummary;
}

async function loadProfile(workspace: Workspace, build: BuildRecord): Promise<LoadedProfile> {
  const stored = await workspace.registry.benchmarks.latest(build.buildId, { kind: profileKind });
  const storedSummary = stored ? profileSummaryOf(stored) : null;
  if (stored && storedSummary) {
    return {
      side: sideOf(build, stored.benchmarkId, stored.testbedHash, storedSummary, false),
      summary: storedSummary,
    };
  }
  const fresh = await runProfile(workspace, build);
  return {
    side: sideOf(build, fresh.profile_id, fresh.testbed.testbed_hash, fresh.summary, true),
    summary: fresh.summary,
  };
}

function sideOf(
  build: BuildRecord,
  profileId: string,
  testbedHash: string,
  summary: ProfileSummary,
  profiledNow: boolean,
): ProfileSide {
  return {
    build_id: build.buildId,
    profile_id: profileId,
    testbed_hash: testbedHash,
    profiled_now: profiledNow,
    measured_ms: summary.accounting.measured_ms,
    nodes_ms: summary.accounting.nodes_ms,
    not_in_any_node_ms: summary.accounting.not_in_any_node_ms,
  };
}

/** Every op type of either build, largest time on either side first. */
export function diffOpTypes(a: ProfileSummary, b: ProfileSummary): OpTypeChange[] {
  const before = new Map(a.op_types.map((total) => [total.op_type, total]));
  const after = new Map(b.op_types.map((total) => [total.op_type, total]));
  const names = [...new Set([...before.keys(), ...after.keys()])];
  return names
    .map((name) => {
      const first = before.get(name);
      const second = after.get(name);
      const change = (second?.mean_ms ?? 0) - (first?.mean_ms ?? 0);
      return {
        op_type: name,
        a_ms: first?.mean_ms ?? null,
        b_ms: second?.mean_ms ?? null,
        change_ms: change,
        change_pct: first && first.mean_ms > 0 ? (change / first.mean_ms) * 100 : null,
        a_share: first?.share ?? null,
        b_share: second?.share ?? null,
      };
    })
    .sort(
      (x, y) =>
        Math.max(y.a_ms ?? 0, y.b_ms ?? 0) - Math.max(x.a_ms ?? 0, x.b_ms ?? 0) ||
        x.op_type.localeCompare(y.op_type),
    );
}

export async function diffProfiles(
  workspace: Workspace,
  a: BuildRecord,
  b: BuildRecord,
): Promise<ProfileDiff> {
  const first = await loadProfile(workspace, a);
  const second = await loadProfile(workspace, b);
  const measuredA = first.side.measured_ms;
  return {
    a: first.side,
    b: second.side,
    same_testbed: first.side.testbed_hash === second.side.testbed_hash,
    op_types: diffOpTypes(first.summary, second.summary),
    measured_change_pct: ((second.side.measured_ms - measuredA) / measuredA) * 100,
  };
}
