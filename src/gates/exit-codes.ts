import { ExitCode, type ExitCodeValue } from "../errors.js";
import type { Verdict } from "./types.js";

/** What an undecided gate does: exit 3 by default, or pass / fail when CI prefers. */
export type InconclusivePolicy = "exit" | "pass" | "fail";

export function inconclusiveExitCode(policy: InconclusivePolicy = "exit"): ExitCodeValue {
  if (policy === "pass") return ExitCode.ok;
  if (policy === "fail") return ExitCode.gateFailed;
  return ExitCode.inconclusive;
}

/** A regression fails the gate (exit 1); improvement and no change pass. */
export function exitCodeFor(verdict: Verdict, policy?: InconclusivePolicy): ExitCodeValue {
  if (verdict === "regression") return ExitCode.gateFailed;
  if (verdict === "inconclusive") return inconclusiveExitCode(policy);
  return ExitCode.ok;
}
