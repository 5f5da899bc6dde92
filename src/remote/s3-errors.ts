import { type MlbuildError, RuntimeFailure } from "../errors.js";
import {
  remoteBucketMissing,
  remoteCredentialsMissing,
  remoteCredentialsRejected,
  remoteKeyMissing,
  remoteUnreachable,
} from "./errors.js";

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const credentialErrors = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "AccessDenied",
  "ExpiredToken",
  "InvalidToken",
]);

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Turns what the AWS SDK threw into one of mlbuild's errors. By the time it reaches us the SDK
 * has already retried transient failures with exponential backoff, `maxAttempts` times.
 */
export function s3Failure(
  thrown: unknown,
  where: { bucket: string; location: string; key?: string },
): MlbuildError {
  const error = (thrown ?? {}) as SdkError;
  const name = error.name ?? "";
  const status = error.$metadata?.httpStatusCode;

  if (name === "CredentialsProviderError") return remoteCredentialsMissing(where.location, thrown);
  if (credentialErrors.has(name) || status === 403) {
    return remoteCredentialsRejected(where.location, thrown);
  }
  if (name === "NoSuchBucket") return remoteBucketMissing(where.bucket, where.location, thrown);
  if (where.key && (name === "NoSuchKey" || status === 404)) {
    return remoteKeyMissing(where.key, where.location, thrown);
  }
  const code = error.code ?? causeCode(thrown);
  if (networkCodes.has(code ?? "") || name === "TimeoutError" || (status ?? 0) >= 500) {
    return remoteUnreachable(where.location, error.$metadata?.attempts ?? 1, thrown);
  }
  return new RuntimeFailure("REMOTE_FAILED", `The remote ${where.location} failed: ${name}`, {
    hint: "Run again with --verbose for the server's answer.",
    cause: thrown,
  });
}

/** Node's network errors sometimes arrive wrapped (AggregateError from happy-eyeballs). */
function causeCode(thrown: unknown): string | undefined {
  const nested = (thrown as { errors?: Array<{ code?: string }> }).errors;
  return nested?.find((inner) => inner.code)?.code;
}
