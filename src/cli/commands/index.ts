import type { Command } from "commander";
import { registerBenchmark } from "./benchmark.js";
import { registerBuild } from "./build.js";
import { registerCi } from "./ci.js";
import { registerCompare } from "./compare.js";
import { registerDiff } from "./diff.js";
import { registerDoctor } from "./doctor.js";
import { registerExperiment } from "./experiment.js";
import { registerHistory } from "./history.js";
import { registerInit } from "./init.js";
import { registerInspect } from "./inspect.js";
import { registerLog } from "./log.js";
import { registerProfile } from "./profile.js";
import { registerPull } from "./pull.js";
import { registerPush } from "./push.js";
import { registerRemote } from "./remote.js";
import { registerReport } from "./report.js";
import { registerRun } from "./run.js";
import { registerShow } from "./show.js";
import { registerSync } from "./sync.js";
import { registerTag } from "./tag.js";
import { registerValidate } from "./validate.js";

/**
 * Every subcommand, in help order. Each file registers one verb and keeps its imports light:
 * heavy modules (runtimes, protobuf) are imported inside the action that needs them.
 */
export const commands: Array<(program: Command) => void> = [
  registerInit,
  registerDoctor,
  registerBuild,
  registerInspect,
  registerBenchmark,
  registerProfile,
  registerLog,
  registerShow,
  registerDiff,
  registerTag,
  registerExperiment,
  registerRun,
  registerValidate,
  registerCompare,
  registerCi,
  registerReport,
  registerHistory,
  registerRemote,
  registerPush,
  registerPull,
  registerSync,
];
