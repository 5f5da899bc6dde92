import { UsageError } from "../../errors.js";
import type { TransferCounts } from "../../remote/execute.js";
import type { TransferResult } from "../../remote/transfer.js";
import type { CommandContext } from "../context.js";
import { oneOf } from "../parse.js";
import { formatBytes, shortId } from "../table.js";

/** Shared by push, pull and sync: how a transfer is reported and how a conflict fails it. */

export const preferOption = oneOf(["local", "remote"] as const);

function describeCounts(counts: TransferCounts): string {
  const parts = [
    `${counts.objects} object${counts.objects === 1 ? "" : "s"} (${formatBytes(counts.bytes)})`,
    `${counts.builds} build${counts.builds === 1 ? "" : "s"}`,
    `${counts.benchmarks} benchmark${counts.benchmarks === 1 ? "" : "s"}`,
    `${counts.tagMoves} tag move${counts.tagMoves === 1 ? "" : "s"}`,
    `${counts.runs} run${counts.runs === 1 ? "" : "s"}`,
  ];
  return parts.join(", ");
}

export function transferJson(remoteName: string, result: TransferResult) {
  return {
    remote: remoteName,
    dry_run: result.dryRun,
    planned: result.planned,
    uploaded: result.uploaded,
    downloaded: result.downloaded,
    conflicts: result.conflicts.map((conflict) => ({
      tag: conflict.tag,
      local_build_id: conflict.localBuildId,
      remote_build_id: conflict.remoteBuildId,
    })),
    warnings: result.warnings,
  };
}

/** Prints the result; a tag conflict then fails the command after everything else moved. */
export function reportTransfer(
  context: CommandContext,
  remoteName: string,
  result: TransferResult,
  directions: { up: boolean; down: boolean },
): number {
  for (const warning of result.warnings) context.output.warn(warning);
  const json = transferJson(remoteName, result);
  if (result.conflicts.length > 0) {
    const names = result.conflicts.map((conflict) => {
      const here = conflict.localBuildId ? shortId(conflict.localBuildId) : "deleted";
      const there = conflict.remoteBuildId ? shortId(conflict.remoteBuildId) : "deleted";
      return `'${conflict.tag}' (here ${here}, on ${remoteName} ${there})`;
    });
    throw new UsageError(
      "TAG_CONFLICT",
      `Tag${names.length === 1 ? "" : "s"} moved differently here and on ` +
        `'${remoteName}': ${names.join(", ")}`,
      {
        hint:
          "Nothing was overwritten; run again with --prefer local or --prefer remote to " +
          "pick a side.",
        details: json,
      },
    );
  }
  context.output.result(json, () => {
    const lines: string[] = [];
    const verb = result.dryRun ? "would " : "";
    const up = result.dryRun ? result.planned.upload : result.uploaded;
    const down = result.dryRun ? result.planned.download : result.downloaded;
    if (directions.up) lines.push(`${verb}send to '${remoteName}': ${describeCounts(up)}`);
    if (directions.down) lines.push(`${verb}receive from '${remoteName}': ${describeCounts(down)}`);
    return lines.map((line) => line.charAt(0).toUpperCase() + line.slice(1)).join("\n");
  });
  return 0;
}
