import os from "node:os";
import { isInLocalStore } from "../build/artifact-placement.js";
import { currentSchemaVersion, latestSchemaVersion } from "../registry/migrations.js";
import type { Registry } from "../registry/registry.js";
import { SqliteDatabase } from "../registry/sqlite-database.js";
import { loadRuntime } from "../runtime/session.js";
import { formatTarget, hostSupport, knownTargetNames, parseTarget } from "../runtime/targets.js";
import { dependencyVersion } from "../runtime/versions.js";
import type { ObjectStore } from "../store/object-store.js";

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

export function checkNode(): Check {
  const major = Number(process.versions.node.split(".")[0]);
  return {
    name: "node",
    status: major >= 20 ? "ok" : "fail",
    detail: `Node.js ${process.versions.node} on ${os.platform()} ${os.arch()}`,
  };
}

/** Loads each runtime and runs nothing heavier than its import: a broken install shows here. */
export async function checkRuntimes(): Promise<Check[]> {
  const checks: Check[] = [];
  for (const runtime of ["onnxruntime-node", "onnxruntime-web"] as const) {
    try {
      const ort = await loadRuntime({ runtime });
      const ok = typeof ort.InferenceSession?.create === "function";
      checks.push({
        name: runtime,
        status: ok ? "ok" : "fail",
        detail: ok
          ? `${runtime} ${dependencyVersion(runtime)} loads`
          : `${runtime} loaded without an InferenceSession`,
      });
    } catch (error) {
      checks.push({
        name: runtime,
        status: "fail",
        detail: `${runtime} does not load: ${String(error)}`,
      });
    }
  }
  return checks;
}

export function checkTargets(): Check[] {
  return knownTargetNames.map((name) => {
    const target = parseTarget(name);
    const support = hostSupport(target);
    return {
      name: `target ${formatTarget(target)}`,
      status: support.supported ? "ok" : "warn",
      detail: support.supported ? "runs on this host" : `not on this host: needs ${support.reason}`,
    };
  });
}

/** The database's own check, the schema version, and every referenced object against its hash. */
export async function checkRegistry(registry: Registry, store: ObjectStore): Promise<Check[]> {
  const checks: Check[] = [];
  const description = await registry.db.describe();
  const schema = await currentSchemaVersion(registry.db);
  checks.push({
    name: "registry",
    status: schema === latestSchemaVersion ? "ok" : "warn",
    detail:
      `${description.backend} ${description.version} at ${description.location}, ` +
      `schema version ${schema} (this mlbuild: ${latestSchemaVersion})`,
  });
  if (registry.db instanceof SqliteDatabase) {
    const verdict = registry.db.integrityCheck();
    checks.push({
      name: "registry integrity",
      status: verdict === "ok" ? "ok" : "fail",
      detail: verdict === "ok" ? "SQLite integrity check passed" : verdict,
    });
  }

  const builds = await registry.builds.list();
  const bad: string[] = [];
  for (const build of builds) {
    if (!isInLocalStore(build.artifactLocation, registry.db.dialect)) continue;
    if (!(await store.verify(build.artifactHash))) bad.push(build.buildId.slice(0, 12));
  }
  checks.push({
    name: "objects",
    status: bad.length === 0 ? "ok" : "fail",
    detail:
      bad.length === 0
        ? `${builds.length} build artifact(s) present and matching their hashes`
        : `missing or corrupt artifacts for builds ${bad.join(", ")}; rebuild or pull them`,
  });
  return checks;
}
