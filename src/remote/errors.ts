import { RuntimeFailure, UsageError } from "../errors.js";

export function remoteKeyMissing(key: string, location: string, cause?: unknown): RuntimeFailure {
  return new RuntimeFailure("REMOTE_KEY_MISSING", `'${key}' is not on the remote ${location}`, {
    hint: "Someone may have pruned the remote; push the build again from a registry that has it.",
    cause,
  });
}

export function remoteUnreachable(location: string, attempts: number, cause: unknown) {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RuntimeFailure(
    "REMOTE_UNREACHABLE",
    `Cannot reach the remote ${location} after ${attempts} attempts (${reason})`,
    {
      hint: "Check the endpoint and the network, then run the command again; it resumes.",
      cause,
    },
  );
}

export function remoteCredentialsRejected(location: string, cause: unknown): UsageError {
  return new UsageError(
    "REMOTE_CREDENTIALS_REJECTED",
    `The remote ${location} refused the credentials`,
    {
      hint:
        "Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE to credentials with access " +
        "to the bucket (mlbuild never stores them).",
      cause,
    },
  );
}

export function remoteCredentialsMissing(location: string, cause: unknown): UsageError {
  return new UsageError("REMOTE_CREDENTIALS_MISSING", `No AWS credentials found for ${location}`, {
    hint: "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (see `aws configure`).",
    cause,
  });
}

export function remoteBucketMissing(bucket: string, location: string, cause: unknown) {
  return new UsageError(
    "REMOTE_BUCKET_MISSING",
    `The bucket '${bucket}' does not exist at ${location}`,
    {
      hint: "Create the bucket, or fix the remote with `mlbuild remote remove` and `remote add`.",
      cause,
    },
  );
}

export function remoteFormatTooNew(location: string, found: number, known: number): UsageError {
  return new UsageError(
    "REMOTE_FORMAT_TOO_NEW",
    `The remote ${location} has format version ${found}; this mlbuild knows up to ${known}`,
    { hint: "Upgrade mlbuild before pushing to or pulling from this remote." },
  );
}
