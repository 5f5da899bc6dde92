import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { type RegistryPaths, registryPaths } from "./project.js";
import type { Database } from "./registry/database.js";
import { migrate } from "./registry/migrations.js";
import { type Registry, SqlRegistry } from "./registry/registry.js";
import { SqliteDatabase } from "./registry/sqlite-database.js";
import { selectRegistry, selectRegistryForInit } from "./registry-selection.js";
import { writeFileAtomic } from "./store/atomic-file.js";
import { ObjectStore } from "./store/object-store.js";

/** Per-registry settings kept in `.mlbuild/config.json` (never credentials). */
export interface WorkspaceConfig {
  [key: string]: unknown;
}

/** Everything a command works on: where the registry is, its database and its object store. */
export interface Workspace {
  paths: RegistryPaths;
  registry: Registry;
  store: ObjectStore;
  close(): Promise<void>;
}

export interface WorkspaceOptions {
  /** `--registry DIR`. */
  registryDir?: string;
  /** `--registry-url URL`: a PostgreSQL registry (see registry-selection.ts). */
  registryUrl?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

async function openDatabase(
  paths: RegistryPaths,
  create: boolean,
  url?: string,
): Promise<Database> {
  if (url) {
    // Imported only when used, so SQLite users never load the PostgreSQL driver.
    const { PostgresDatabase } = await import("./registry/postgres-database.js");
    return PostgresDatabase.open(url);
  }
  return create && !existsSync(paths.database)
    ? SqliteDatabase.create(paths.database)
    : new SqliteDatabase(paths.database);
}

function assemble(paths: RegistryPaths, db: Database): Workspace {
  const registry = new SqlRegistry(db);
  const store = new ObjectStore(paths.objects, paths.temporary);
  return { paths, registry, store, close: () => registry.close() };
}

/** Creates `.mlbuild/` if needed; running it again changes nothing. */
export async function initWorkspace(
  options: WorkspaceOptions = {},
): Promise<{ workspace: Workspace; created: boolean }> {
  const { root, url } = selectRegistryForInit(options);
  const paths = registryPaths(root);
  let created = !existsSync(paths.database);
  // A PostgreSQL registry is reached first, so a wrong URL leaves no folder behind.
  const postgres = url ? await openDatabase(paths, true, url) : undefined;
  await mkdir(paths.objects, { recursive: true });
  await mkdir(paths.temporary, { recursive: true });
  if (!existsSync(paths.config)) await writeFileAtomic(paths.config, "{}\n");

  const db = postgres ?? (await openDatabase(paths, true));
  const migrated = await migrate(db).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  if (url) created = migrated.from === 0;
  return { workspace: assemble(paths, db), created };
}

export async function openWorkspace(options: WorkspaceOptions = {}): Promise<Workspace> {
  const { root, url } = selectRegistry(options);
  const paths = registryPaths(root);
  const db = await openDatabase(paths, false, url);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return assemble(paths, db);
}

export async function readWorkspaceConfig(paths: RegistryPaths): Promise<WorkspaceConfig> {
  if (!existsSync(paths.config)) return {};
  return JSON.parse(await readFile(paths.config, "utf8")) as WorkspaceConfig;
}

export async function writeWorkspaceConfig(
  paths: RegistryPaths,
  config: WorkspaceConfig,
): Promise<void> {
  await writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
}
