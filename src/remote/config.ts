import path from "node:path";
import { UsageError } from "../errors.js";
import type { RegistryPaths } from "../project.js";
import { readWorkspaceConfig, type WorkspaceConfig } from "../workspace.js";
import type { Remote } from "./remote.js";

/** A remote as `.mlbuild/config.json` keeps it: where it is, never how to log in. */
export type RemoteConfig =
  | { backend: "local"; path: string }
  | { backend: "s3"; bucket: string; prefix?: string; endpoint?: string; region?: string };

export interface RemoteSettings {
  remotes: Record<string, RemoteConfig>;
  defaultRemote?: string;
}

export const remoteNamePattern = /^[A-Za-z0-9_.-]{1,64}$/;

export function assertRemoteName(name: string): void {
  if (!remoteNamePattern.test(name)) {
    throw new UsageError("REMOTE_NAME_INVALID", `'${name}' is not a valid remote name`, {
      hint: "Use 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' and '-'.",
    });
  }
}

export function readRemoteSettings(config: WorkspaceConfig): RemoteSettings {
  const remotes = (config.remotes ?? {}) as Record<string, RemoteConfig>;
  const defaultRemote = typeof config.defaultRemote === "string" ? config.defaultRemote : undefined;
  return { remotes: { ...remotes }, defaultRemote };
}

export function writeRemoteSettings(
  config: WorkspaceConfig,
  settings: RemoteSettings,
): WorkspaceConfig {
  const { remotes: _remotes, defaultRemote: _default, ...rest } = config;
  return settings.defaultRemote
    ? { ...rest, remotes: settings.remotes, defaultRemote: settings.defaultRemote }
    : { ...rest, remotes: settings.remotes };
}

export function describeRemote(remote: RemoteConfig): string {
  if (remote.backend === "local") return remote.path;
  const where = `s3://${remote.bucket}${remote.prefix ? `/${remote.prefix}` : ""}`;
  return remote.endpoint ? `${where} at ${remote.endpoint}` : where;
}

/** `--remote NAME`, else the default remote; a clear next step when there is none. */
export function chooseRemote(settings: RemoteSettings, name?: string): [string, RemoteConfig] {
  const chosen = name ?? settings.defaultRemote;
  if (!chosen) {
    throw new UsageError("REMOTE_NONE", "No remote given and no default remote is set", {
      hint:
        Object.keys(settings.remotes).length === 0
          ? "Add one: `mlbuild remote add NAME --backend local --path DIR --default`."
          : "Pass --remote NAME, or run `mlbuild remote set-default NAME`.",
    });
  }
  const remote = settings.remotes[chosen];
  if (!remote) throw unknownRemote(chosen);
  return [chosen, remote];
}

export function unknownRemote(name: string): UsageError {
  return new UsageError("REMOTE_UNKNOWN", `No remote named '${name}'`, {
    hint: "Run `mlbuild remote list` to see the remotes.",
  });
}

/** Opens the backend; the S3 SDK is loaded only when an S3 remote is used. */
export async function openRemote(remote: RemoteConfig, registryRoot: string): Promise<Remote> {
  if (remote.backend === "local") {
    const { LocalRemote } = await import("./local-remote.js");
    return new LocalRemote(path.resolve(path.dirname(registryRoot), remote.path));
  }
  const { S3Remote } = await import("./s3-remote.js");
  return new S3Remote(remote);
}

/** The remote a command names (or the default one), opened and ready. */
export async function openConfiguredRemote(
  paths: RegistryPaths,
  name?: string,
): Promise<{ name: string; remote: Remote }> {
  const settings = readRemoteSettings(await readWorkspaceConfig(paths));
  const [chosen, config] = chooseRemote(settings, name);
  return { name: chosen, remote: await openRemote(config, paths.root) };
}
