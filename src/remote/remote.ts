import type { Readable } from "node:stream";

/** One key on a remote, as a listing reports it. */
export interface RemoteEntry {
  key: string;
  size: number;
}

/**
 * A place builds are pushed to and pulled from. Keys are `/`-separated paths relative to the
 * remote's root; every backend (a directory, an S3 bucket) stores the same layout, so the
 * push/pull logic never knows which one it talks to.
 */
export interface Remote {
  /** Where the remote is, for messages: never contains credentials. */
  readonly location: string;
  /** Every key under `prefix`, in one logical listing (paged by the backend if it must be). */
  list(prefix: string): Promise<RemoteEntry[]>;
  /** The entry, or undefined when the key does not exist. */
  head(key: string): Promise<RemoteEntry | undefined>;
  /** Writes `body` under `key` so that readers see the whole value or nothing. */
  put(key: string, body: Readable): Promise<void>;
  /** Streams the value; throws REMOTE_KEY_MISSING when it does not exist. */
  get(key: string): Promise<Readable>;
  /** Removes the key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
