import canonicalize from "canonicalize";

/** Canonical JSON (RFC 8785, JCS) for hashing build identities. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("Cannot canonicalise an undefined value");
  return text;
}
