import { createReadStream } from "node:fs";
import os from "node:os";
import type { Dialect } from "../registry/database.js";
import type { StoredObject } from "../store/object-store.js";
import { readWorkspaceConfig, type Workspace } from "../workspace.js";

/**
 * Where a new build's artifact goes, and what its record says about it (`artifact_location`):
 *
 * - `local`: the SQLite registry's own object store, beside the database.
 * - `cache:HOST`: a PostgreSQL registry is shared, so "local" would mean nothing to the other
 *   runners; the record names the host whose object cache holds the artifact.
 * - `remote:NAME`: a PostgreSQL registry with a default remote; the artifact was uploaded there
 *   (content-addressed, as `push` does) before the record was written, so every runner can
 *   pull it. A copy stays in the local cache.
 */
export interface PlacedArtifact extends StoredObject {
  location: string;
}

export function localArtifactLocation(dialect: Dialect): string {
  return dialect === "sqlite" ? "local" : `cache:${os.hostname()}`;
}

/** Whether the record's artifact should be in this workspace's object store. */
export function isInLocalStore(location: string, dialect: Dialect): boolean {
  return location === "local" || location === localArtifactLocation(dialect);
}

export async function placeArtifact(
  workspace: Workspace,
  artifact: Uint8Array,
): Promise<PlacedArtifact> {
  const stored = await workspace.store.putBytes(artifact);
  const dialect = workspace.registry.db.dialect;
  // TODO(SQLite and remotes): a SQLite registry keeps artifacts local and `push` moves them;
  // uploading on every build is for the shared registry only, where runners need each other's.
  if (dialect === "sqlite") return { ...stored, location: "local" };

  const remoteName = await uploadToDefaultRemote(workspace, stored.hash);
  return {
    ...stored,
    location: remoteName ? `remote:${remoteName}` : localArtifactLocation(dialect),
  };
}

/** Uploads the object unless the remote has it; the remote's name, or undefined if none is set. */
async function uploadToDefaultRemote(
  workspace: Workspace,
  hash: string,
): Promise<string | undefined> {
  const config = await readWorkspaceConfig(workspace.paths);
  if (typeof config.defaultRemote !== "string") return undefined;

  const { readRemoteSettings, chooseRemote, openRemote } = await import("../remote/config.js");
  const { remoteKeys } = await import("../remote/layout.js");
  const [name, remoteConfig] = chooseRemote(readRemoteSettings(config));
  const remote = await openRemote(remoteConfig, workspace.paths.root);
  try {
    const key = remoteKeys.object(hash);
    if (!(await remote.head(key))) {
      await remote.put(key, createReadStream(workspace.store.pathOf(hash)));
    }
  } finally {
    await remote.close();
  }
  return name;
}
