import { existsSync, readFileSync } from "node:fs";
import { UsageError } from "./errors.js";
import {
  defaultRegistryRoot,
  findRegistryRoot,
  registryPaths,
  requireRegistryRoot,
} from "./project.js";

/** The environment variable that points every command at a PostgreSQL registry. */
export const registryUrlVariable = "MLBUILD_REGISTRY_URL";
/** The key in `.mlbuild/config.json` that does the same for one working copy. */
export const registryUrlConfigKey = "registryUrl";

export interface RegistrySelectionOptions {
  /** `--registry DIR` */
  registryDir?: string;
  /** `--registry-url URL` */
  registryUrl?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Which registry a command works on. `root` is always a local `.mlbuild/` folder: the SQLite
 * file, config and object store, or, with a PostgreSQL `url`, the config and the local cache
 * of artifacts. The URL comes from `--registry-url`, then `MLBUILD_REGISTRY_URL`, then the
 * working copy's config; without one, SQLite.
 */
export interface RegistrySelection {
  root: string;
  url?: string;
}

function configuredUrl(root: string): string | undefined {
  const file = registryPaths(root).config;
  if (!existsSync(file)) return undefined;
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch {
    throw new UsageError("CONFIG_INVALID", `${file} is not valid JSON`, {
      hint: "Fix or delete the file; it holds only settings, never records.",
    });
  }
  const value = config[registryUrlConfigKey];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function givenUrl(options: RegistrySelectionOptions): string | undefined {
  const env = options.env ?? process.env;
  return options.registryUrl || env[registryUrlVariable] || undefined;
}

/** The registry an existing workspace uses; SQLite requires its file to exist. */
export function selectRegistry(options: RegistrySelectionOptions): RegistrySelection {
  const lookup = { explicit: options.registryDir, cwd: options.cwd, env: options.env };
  const given = givenUrl(options);
  // A CI runner with only the URL starts with no `.mlbuild/`: the cache is made when needed.
  if (given) return { root: findRegistryRoot(lookup) ?? defaultRegistryRoot(lookup), url: given };

  const found = findRegistryRoot(lookup);
  const configured = found ? configuredUrl(found) : undefined;
  if (found && configured) return { root: found, url: configured };
  return { root: requireRegistryRoot(lookup) };
}

/** The registry `init` creates or finds. */
export function selectRegistryForInit(options: RegistrySelectionOptions): RegistrySelection {
  const root = defaultRegistryRoot({
    explicit: options.registryDir,
    cwd: options.cwd,
    env: options.env,
  });
  return { root, url: givenUrl(options) ?? configuredUrl(root) };
}
