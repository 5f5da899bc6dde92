/**
 * mlbuild's library API: what `import { ... } from "mlbuild"` gives. A list of re-exports; each
 * layer documents its own exports where they are defined.
 */

export { ExitCode, MlbuildError, RuntimeFailure, UsageError } from "./errors.js";
export type { EndStatus, RunStatus } from "./registry/runs.js";
export {
  type MetricOptions,
  type RegistryOptions,
  type ResumeRunOptions,
  resumeRun,
  type StartRunOptions,
  startRun,
  type TrackedRun,
} from "./tracking/api.js";
