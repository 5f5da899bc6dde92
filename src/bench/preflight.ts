/**
 * Checks that every measuring command (benchmark, profile) makes before it starts a child, so
 * bad options fail with the same message and nothing is measured or stored.
 */
import { UsageError } from "../errors.js";
import type { BuildRecord } from "../registry/records.js";
import type { Workspace } from "../workspace.js";

export function checkCount(name: string, value: number | undefined, minimum: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= minimum)) {
    throw new UsageError(
      "OPTION_INVALID",
      `${name} must be a whole number ≥ ${minimum}, got ${value}`,
      {
        hint: `Pass ${name} ${Math.max(minimum, 1)} or more.`,
      },
    );
  }
}

/**
 * The build's artifact must be in this store, intact: a pulled record may lack it. Objects are
 * content-addressed, so the bytes here serve whatever the record's location says (`local`, this
 * host's `cache:HOST` on a shared registry, or a remote it was also uploaded to).
 */
export async function checkArtifact(workspace: Workspace, build: BuildRecord): Promise<void> {
  if (await workspace.store.verify(build.artifactHash)) return;
  throw new UsageError(
    "ARTIFACT_MISSING",
    `The artifact of build ${build.buildId.slice(0, 12)} is not in the local store`,
    { hint: "Run `mlbuild pull REF` first, or rebuild the model." },
  );
}
