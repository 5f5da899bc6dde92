import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

function readPackageVersion(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}

/** Finds a dependency's version without loading it: loading a runtime costs ~100 ms. */
export function dependencyVersion(name: string): string {
  let directory = path.dirname(require.resolve(name));
  for (;;) {
    const candidate = path.join(directory, "package.json");
    try {
      const parsed = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string };
      if (parsed.name === name) return readPackageVersion(candidate);
    } catch {
      // Not a package root yet; keep walking up.
    }
    const parent = path.dirname(directory);
    if (parent === directory) return "unknown";
    directory = parent;
  }
}

let ownVersion: string | undefined;

/** mlbuild's own version, from its package.json. */
export function mlbuildVersion(): string {
  if (ownVersion) return ownVersion;
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const file = path.join(directory, "package.json");
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version: string };
      if (parsed.name === "mlbuild") {
        ownVersion = parsed.version;
        return ownVersion;
      }
    } catch {
      // Keep walking up.
    }
    const parent = path.dirname(directory);
    if (parent === directory) return "unknown";
    directory = parent;
  }
}
