import { RuntimeFailure } from "../errors.js";
import type { TagMove } from "../registry/records.js";
import { tagMoveDigest } from "./documents.js";
import type { Remote } from "./remote.js";
import { type RemoteTagMoveEntry, readDocument } from "./remote-index.js";
import {
  compareTagHistories,
  digestsOf,
  mergeDivergedTails,
  type Prefer,
  stateAfter,
} from "./tag-merge.js";

export type Direction = "push" | "pull" | "sync";

export interface TagPlan {
  name: string;
  /** Moves to write on the remote, after the ones it has. */
  remoteAppend: TagMove[];
  /** This registry's history from `fromSeq` on becomes `moves`. */
  localReplace?: { fromSeq: number; moves: TagMove[] };
  /** Where the tag points once the plan is applied locally (null: deleted). */
  localFinal: string | null;
  /** Where it points on the remote once applied. */
  remoteFinal: string | null;
}

export interface TagConflict {
  tag: string;
  localBuildId: string | null;
  remoteBuildId: string | null;
  sharedMoves: number;
}

/**
 * Decides what to do with one tag. A side that only appended moves is fast-forwarded; when both
 * sides moved the tag since they last agreed, that is a conflict unless `prefer` picks a side.
 * Reads the remote's move documents only when the histories differ.
 */
export async function planTag(
  remote: Remote,
  name: string,
  local: TagMove[],
  remoteEntries: RemoteTagMoveEntry[],
  direction: Direction,
  prefer: Prefer | undefined,
): Promise<TagPlan | TagConflict | undefined> {
  const comparison = compareTagHistories(
    digestsOf(local),
    remoteEntries.map((entry) => entry.digest),
  );
  if (comparison.state === "same") return undefined;

  const { common } = comparison;
  const wantsPush = direction !== "pull";
  const wantsPull = direction !== "push";
  if (comparison.state === "localAhead") {
    if (!wantsPush) return undefined;
    const append = local.slice(common);
    return {
      name,
      remoteAppend: append,
      localFinal: stateAfter(local[local.length - 1]),
      remoteFinal: stateAfter(append[append.length - 1]),
    };
  }

  const remoteTail = await readMoves(remote, remoteEntries.slice(common));
  if (comparison.state === "remoteAhead") {
    if (!wantsPull) return undefined;
    return {
      name,
      remoteAppend: [],
      localReplace: { fromSeq: common + 1, moves: remoteTail },
      localFinal: stateAfter(remoteTail[remoteTail.length - 1]),
      remoteFinal: stateAfter(remoteTail[remoteTail.length - 1]),
    };
  }

  const localTail = local.slice(common);
  if (!prefer) {
    return {
      tag: name,
      localBuildId: stateAfter(localTail[localTail.length - 1]),
      remoteBuildId: stateAfter(remoteTail[remoteTail.length - 1]),
      sharedMoves: common,
    };
  }
  const merged = mergeDivergedTails(local.slice(0, common), localTail, remoteTail, prefer);
  const final = stateAfter(merged[merged.length - 1]);
  return {
    name,
    remoteAppend: wantsPush ? merged.slice(remoteTail.length) : [],
    localReplace: { fromSeq: common + 1, moves: merged },
    localFinal: final,
    remoteFinal: wantsPush ? final : stateAfter(remoteTail[remoteTail.length - 1]),
  };
}

export function isConflict(plan: TagPlan | TagConflict): plan is TagConflict {
  return "tag" in plan;
}

async function readMoves(remote: Remote, entries: RemoteTagMoveEntry[]): Promise<TagMove[]> {
  const moves: TagMove[] = [];
  for (const entry of entries) {
    const move = await readDocument<TagMove>(remote, entry.key);
    if (tagMoveDigest(move) !== entry.digest || move.seq !== entry.seq) {
      throw new RuntimeFailure(
        "REMOTE_DOCUMENT_CORRUPT",
        `The tag move '${entry.key}' on the remote does not match its digest`,
        { hint: "The remote copy is damaged; push the tag again from a healthy registry." },
      );
    }
    moves.push(move);
  }
  return moves;
}

/** Every tag's moves in order, grouped by name. */
export function groupMoves(moves: TagMove[]): Map<string, TagMove[]> {
  const byName = new Map<string, TagMove[]>();
  for (const move of moves) byName.set(move.name, [...(byName.get(move.name) ?? []), move]);
  return byName;
}
