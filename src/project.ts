import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "./errors.js";

/** The folder that holds the registry, like `.git`. */
export const registryFolderName = ".mlbuild";

export interface RegistryPaths {
  root: string;
  database: string;
  objects: string;
  temporary: string;
  config: string;
}

export function registryPaths(root: string): RegistryPaths {
  return {
    root,
    database: path.join(root, "registry.db"),
    objects: path.join(root, "objects"),
    temporary: path.join(root, "tmp"),
    config: path.join(root, "config.json"),
  };
}

function isDirectory(candidate: string): boolean {
  return existsSync(candidate) && statSync(candidate).isDirectory();
}

/**
 * Finds the registry: `--registry DIR`, then `MLBUILD_DIR`, then the nearest `.mlbuild/` walking
 * up from the working directory.
 */
export function findRegistryRoot(
  options: { explicit?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string | undefined {
  const env = options.env ?? process.env;
  const chosen = options.explicit ?? env.MLBUILD_DIR;
  if (chosen) return path.resolve(options.cwd ?? process.cwd(), chosen);

  let current = path.resolve(options.cwd ?? process.cwd());
  for (;;) {
    const candidate = path.join(current, registryFolderName);
    if (isDirectory(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Where `init` creates the registry when nothing was found. */
export function defaultRegistryRoot(
  options: { explicit?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const env = options.env ?? process.env;
  const chosen = options.explicit ?? env.MLBUILD_DIR;
  const cwd = options.cwd ?? process.cwd();
  return chosen ? path.resolve(cwd, chosen) : path.join(cwd, registryFolderName);
}

export function requireRegistryRoot(
  options: { explicit?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const root = findRegistryRoot(options);
  if (!root || !existsSync(registryPaths(root).database)) {
    throw new UsageError(
      "REGISTRY_MISSING",
      root ? `No mlbuild registry in ${root}` : "No .mlbuild/ registry here or in any parent",
      { hint: "Run `mlbuild init` in the project's root first." },
    );
  }
  return root;
}
