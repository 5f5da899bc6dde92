import type { TagMove } from "../registry/records.js";
import { tagMoveDigest } from "./documents.js";

export type Prefer = "local" | "remote";

export type TagComparison =
  | { state: "same" }
  | { state: "localAhead" | "remoteAhead" | "diverged"; common: number };

/** Compares two tag histories move by move; `common` is how many leading moves they share. */
export function compareTagHistories(local: string[], remote: string[]): TagComparison {
  let common = 0;
  while (common < local.length && common < remote.length && local[common] === remote[common]) {
    common++;
  }
  if (common === local.length && common === remote.length) return { state: "same" };
  if (common === remote.length) return { state: "localAhead", common };
  if (common === local.length) return { state: "remoteAhead", common };
  return { state: "diverged", common };
}

export function digestsOf(moves: TagMove[]): string[] {
  return moves.map(tagMoveDigest);
}

/**
 * Joins two histories that diverged after `common` shared moves, keeping every move of both:
 * the remote's moves first (so the remote only ever gets appended to, never rewritten), then
 * ours renumbered after them. When the remote side is preferred, one last move points the tag
 * back where the remote had it.
 */
export function mergeDivergedTails(
  common: TagMove[],
  localTail: TagMove[],
  remoteTail: TagMove[],
  prefer: Prefer,
): TagMove[] {
  const name = (localTail[0] ?? remoteTail[0]).name;
  const merged: TagMove[] = [...remoteTail];
  let current = stateAfter(remoteTail[remoteTail.length - 1]);
  let seq = common.length + remoteTail.length;

  const append = (move: Pick<TagMove, "action" | "buildId" | "movedAt">) => {
    seq += 1;
    const action = move.action === "delete" ? "delete" : current === null ? "create" : "move";
    merged.push({
      name,
      seq,
      action,
      buildId: move.buildId,
      previousBuildId: current,
      movedAt: move.movedAt,
    });
    current = action === "delete" ? null : move.buildId;
  };

  for (const move of localTail) append(move);
  const remoteFinal = stateAfter(remoteTail[remoteTail.length - 1]);
  if (prefer === "remote" && current !== remoteFinal) {
    append({
      action: remoteFinal === null ? "delete" : "move",
      buildId: remoteFinal,
      movedAt: new Date().toISOString(),
    });
  }
  return merged;
}

/** The build a tag points at after `move`, or null when the move deleted it. */
export function stateAfter(move: TagMove | undefined): string | null {
  if (!move || move.action === "delete") return null;
  return move.buildId;
}
