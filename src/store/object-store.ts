import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { RuntimeFailure, UsageError } from "../errors.js";

export const hashPattern = /^[0-9a-f]{64}$/;

export interface StoredObject {
  hash: string;
  size: number;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function sha256File(file: string): Promise<StoredObject> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { hash: hash.digest("hex"), size };
}

function assertHash(hash: string): void {
  if (!hashPattern.test(hash)) {
    throw new UsageError("OBJECT_HASH_INVALID", `'${hash}' is not a SHA-256 object hash`);
  }
}

/**
 * A content-addressed object store on the local disk. Objects are written to a temporary file,
 * fsynced and renamed into place, so a reader sees a whole object or none; reads verify the hash.
 */
export class ObjectStore {
  constructor(
    readonly root: string,
    private readonly temporary: string,
  ) {}

  pathOf(hash: string): string {
    assertHash(hash);
    return path.join(this.root, "sha256", hash.slice(0, 2), hash.slice(2));
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  async putBytes(bytes: Uint8Array): Promise<StoredObject> {
    const hash = sha256(bytes);
    if (this.has(hash)) return { hash, size: bytes.byteLength };
    const temporary = await this.temporaryFile();
    try {
      const handle = await open(temporary, "w");
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.install(temporary, hash);
    } finally {
      await rm(temporary, { force: true });
    }
    return { hash, size: bytes.byteLength };
  }

  /**
   * Streams `source` into the store, hashing as it goes, and refuses it when `expectedHash` is
   * given and does not match: nothing corrupt is ever installed.
   */
  async putStream(source: NodeJS.ReadableStream, expectedHash?: string): Promise<StoredObject> {
    const temporary = await this.temporaryFile();
    const hash = createHash("sha256");
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, hashing, createWriteStream(temporary));
      const actual = hash.digest("hex");
      if (expectedHash && actual !== expectedHash) {
        throw new RuntimeFailure(
          "OBJECT_CORRUPT",
          `Object ${expectedHash.slice(0, 12)} arrived with hash ${actual.slice(0, 12)}`,
          { hint: "The copy at the source is damaged; push it again from a healthy registry." },
        );
      }
      const handle = await open(temporary, "r+");
      await handle.sync();
      await handle.close();
      if (!this.has(actual)) await this.install(temporary, actual);
      return { hash: actual, size };
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async putFile(file: string): Promise<StoredObject> {
    return this.putStream(createReadStream(file));
  }

  /** Reads a whole object and checks its hash. */
  async read(hash: string): Promise<Buffer> {
    const file = this.pathOf(hash);
    const bytes = await readFile(file).catch((error: unknown) => {
      throw missingObject(hash, error);
    });
    if (sha256(bytes) !== hash) throw corruptObject(hash);
    return bytes;
  }

  /** Streams the object through its hash; resolves to whether it is intact. */
  async verify(hash: string): Promise<boolean> {
    try {
      return (await sha256File(this.pathOf(hash))).hash === hash;
    } catch {
      return false;
    }
  }

  async size(hash: string): Promise<number> {
    return (await stat(this.pathOf(hash))).size;
  }

  private async temporaryFile(): Promise<string> {
    await mkdir(this.temporary, { recursive: true });
    return path.join(this.temporary, `object-${process.pid}-${randomBytes(6).toString("hex")}`);
  }

  private async install(temporary: string, hash: string): Promise<void> {
    const destination = this.pathOf(hash);
    await mkdir(path.dirname(destination), { recursive: true });
    await rename(temporary, destination);
    // The rename is durable only once the directory entry is on disk.
    const directory = await open(path.dirname(destination), "r");
    await directory.sync().finally(() => directory.close());
  }
}

function missingObject(hash: string, cause: unknown): RuntimeFailure {
  return new RuntimeFailure("OBJECT_MISSING", `Object ${hash.slice(0, 12)} is not in the store`, {
    hint: "Pull the build from a remote (`mlbuild pull REF`) or build it again.",
    cause,
  });
}

function corruptObject(hash: string): RuntimeFailure {
  return new RuntimeFailure("OBJECT_CORRUPT", `Object ${hash.slice(0, 12)} fails its hash check`, {
    hint: "Run `mlbuild doctor`; pull the build again from a remote or rebuild it.",
  });
}
