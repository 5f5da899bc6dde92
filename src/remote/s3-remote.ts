import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Remote, RemoteEntry } from "./remote.js";
import { s3Failure } from "./s3-errors.js";

export interface S3RemoteOptions {
  bucket: string;
  /** A folder inside the bucket; empty for the bucket's root. */
  prefix?: string;
  /** An S3-compatible server (MinIO, s3rver, Ceph); switches to path-style addressing. */
  endpoint?: string;
  region?: string;
  /** How many times one request is tried before giving up (the SDK backs off between tries). */
  maxAttempts?: number;
}

/** Parts of 8 MiB, two in flight: memory stays flat whatever the artifact's size. */
const partSize = 8 * 1024 * 1024;
const partsInFlight = 2;

/**
 * A remote in an S3 bucket. Credentials come from the AWS SDK's standard chain (environment,
 * shared config and credentials files, SSO, instance roles); mlbuild never sees them stored.
 */
export class S3Remote implements Remote {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3RemoteOptions) {
    // The SDK warns on Node 20 about its future releases; that is noise in a CI log.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? "").replace(/^\/+|\/+$/g, "");
    const where = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ""}`;
    this.location = options.endpoint ? `${where} at ${options.endpoint}` : where;
    this.client = new S3Client({
      region:
        options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      endpoint: options.endpoint,
      forcePathStyle: options.endpoint !== undefined,
      maxAttempts: options.maxAttempts ?? 4,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
      // We verify every object by SHA-256 ourselves; the SDK's default CRC trailers are not
      // understood by every S3-compatible server.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  private keyOf(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private fail(error: unknown): never {
    throw s3Failure(error, { bucket: this.bucket, location: this.location });
  }

  /**
   * Pages through ListObjects (version 1) with the last key as the marker. Version 2's opaque
   * continuation tokens would do as well on AWS, but some S3-compatible servers (s3rver on
   * OpenSSL 3) fail to make them, and a marker works everywhere.
   */
  async list(prefix: string): Promise<RemoteEntry[]> {
    const entries: RemoteEntry[] = [];
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    let marker: string | undefined;
    for (;;) {
      const page = await this.client
        .send(
          new ListObjectsCommand({
            Bucket: this.bucket,
            Prefix: this.keyOf(prefix),
            Marker: marker,
          }),
        )
        .catch((error: unknown) => this.fail(error));
      const contents = page.Contents ?? [];
      for (const object of contents) {
        if (object.Key) entries.push({ key: object.Key.slice(strip), size: object.Size ?? 0 });
      }
      if (!page.IsTruncated || contents.length === 0) return entries;
      marker = contents[contents.length - 1].Key;
    }
  }

  async head(key: string): Promise<RemoteEntry | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }),
      );
      return { key, size: head.ContentLength ?? 0 };
    } catch (error) {
      if (
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return undefined;
      }
      return this.fail(error);
    }
  }

  /** Streams `body` up; big values go in multipart uploads, which S3 shows only once whole. */
  async put(key: string, body: Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.keyOf(key), Body: body },
      partSize,
      queueSize: partsInFlight,
      leavePartsOnError: false,
    });
    await upload.done().catch((error: unknown) => this.fail(error));
  }

  async get(key: string): Promise<Readable> {
    const response = await this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }))
      .catch((error: unknown) => {
        throw s3Failure(error, { bucket: this.bucket, location: this.location, key });
      });
    return response.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    await this.client
      .send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }))
      .catch((error: unknown) => this.fail(error));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
