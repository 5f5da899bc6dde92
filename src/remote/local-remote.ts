import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { UsageError } from "../errors.js";
import { remoteKeyMissing } from "./errors.js";
import type { Remote, RemoteEntry } from "./remote.js";

/** Half-written uploads live here, on the same file system, so the final rename is atomic. */
const temporaryFolder = ".tmp";

/** A remote in a plain directory, such as a mounted volume shared by CI runners. */
export class LocalRemote implements Remote {
  readonly location: string;

  constructor(readonly root: string) {
    this.location = root;
  }

  private pathOf(key: string): string {
    const root = path.resolve(this.root);
    const resolved = path.resolve(root, key);
    if (resolved !== root && !resolved.startsWith(root + path.sep)) {
      throw new UsageError("REMOTE_KEY_INVALID", `'${key}' is not a key inside the remote`);
    }
    return resolved;
  }

  async list(prefix: string): Promise<RemoteEntry[]> {
    const entries: RemoteEntry[] = [];
    const start = this.pathOf(prefix.replace(/\/$/, "") || ".");
    await walk(start, async (file, size) => {
      entries.push({ key: path.relative(this.root, file).split(path.sep).join("/"), size });
    }).catch(ignoreMissing);
    return entries.filter((entry) => !entry.key.startsWith(`${temporaryFolder}/`));
  }

  async head(key: string): Promise<RemoteEntry | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, size: info.size } : undefined;
    } catch (error) {
      ignoreMissing(error);
      return undefined;
    }
  }

  async put(key: string, body: Readable): Promise<void> {
    const destination = this.pathOf(key);
    const temporary = path.join(
      this.root,
      temporaryFolder,
      `${process.pid}-${randomBytes(6).toString("hex")}`,
    );
    await mkdir(path.dirname(temporary), { recursive: true });
    try {
      await pipeline(body, createWriteStream(temporary));
      const handle = await open(temporary, "r+");
      await handle.sync().finally(() => handle.close());
      await mkdir(path.dirname(destination), { recursive: true });
      await rename(temporary, destination);
      // The rename survives a crash only once the directory entry is on disk.
      const directory = await open(path.dirname(destination), "r");
      await directory.sync().finally(() => directory.close());
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await stat(file);
    } catch (error) {
      throw remoteKeyMissing(key, this.location, error);
    }
    return createReadStream(file);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}
}

async function walk(
  directory: string,
  visit: (file: string, size: number) => Promise<void>,
): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) await walk(full, visit);
    else if (entry.isFile()) await visit(full, (await stat(full)).size);
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: string }).code !== "ENOENT") throw error;
}
