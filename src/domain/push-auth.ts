import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signed publish URLs: `auth_key=<expiry>-<rand>-<uid>-<md5hash>` in the publish URL's query, as
 * JD Cloud writes it, with Alibaba's type-A hash `md5("/{app}/{stream}-{expiry}-{rand}-{uid}-{key}")`,
 * so URLs signed by code written for either cloud are accepted here.
 */

export type PushAuthFailure = "auth_missing" | "auth_malformed" | "auth_expired" | "auth_invalid";

export type PushAuthVerdict = { ok: true } | { ok: false; reason: PushAuthFailure; message: string };

export interface PushAuthKeyParts {
  /** Epoch seconds, as written in the URL. */
  expiry: string;
  rand: string;
  uid: string;
  hash: string;
}

export interface PushPath {
  app: string;
  stream: string;
}

/** Longer than any key this format produces; a stranger's value is not split beyond it. */
const MAX_AUTH_KEY_LENGTH = 200;
/** 12 digits reach the year 33658: anything longer is not a time. */
const EXPIRY = /^\d{1,12}$/;
/** rand and uid: Alibaba suggests a UUID without hyphens for rand and `0` for uid. */
const WORD = /^[A-Za-z0-9_]{1,64}$/;
const MD5_HEX = /^[0-9a-f]{32}$/;

export function pushAuthHash(path: PushPath, parts: Omit<PushAuthKeyParts, "hash">, key: string): string {
  const signed = `/${path.app}/${path.stream}-${parts.expiry}-${parts.rand}-${parts.uid}-${key}`;
  return createHash("md5").update(signed, "utf8").digest("hex");
}

/** An auth_key value for this path, valid until `expiresAt` (epoch seconds). */
export function signPushAuthKey(
  path: PushPath,
  key: string,
  expiresAt: number,
  options: { rand?: string; uid?: string } = {},
): string {
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) throw new RangeError("expiresAt must be whole epoch seconds");
  const parts = { expiry: String(expiresAt), rand: options.rand ?? randomBytes(16).toString("hex"), uid: options.uid ?? "0" };
  if (!WORD.test(parts.rand) || !WORD.test(parts.uid)) throw new RangeError("rand and uid must be 1..64 letters, digits or _");
  return `${parts.expiry}-${parts.rand}-${parts.uid}-${pushAuthHash(path, parts, key)}`;
}

/** The four parts of an auth_key value, or why it is not one. */
export function parsePushAuthKey(value: string): PushAuthKeyParts | { error: string } {
  if (value.length > MAX_AUTH_KEY_LENGTH) return { error: `auth_key is longer than ${MAX_AUTH_KEY_LENGTH} characters` };
  const parts = value.split("-");
  if (parts.length !== 4) return { error: "auth_key must be <expiry>-<rand>-<uid>-<md5hash>" };
  const [expiry, rand, uid, hash] = parts as [string, string, string, string];
  if (!EXPIRY.test(expiry)) return { error: "auth_key expiry must be epoch seconds (1 to 12 digits)" };
  if (!WORD.test(rand)) return { error: "auth_key rand must be 1 to 64 letters, digits or _" };
  if (!WORD.test(uid)) return { error: "auth_key uid must be 1 to 64 letters, digits or _" };
  if (!MD5_HEX.test(hash)) return { error: "auth_key hash must be 32 lower-case hex digits" };
  return { expiry, rand, uid, hash };
}

/**
 * Checks the publish URL's auth_key for this path against every key given (the domain group's
 * primary and backup). Valid until its expiry second has passed.
 */
export function verifyPushAuth(path: PushPath, query: URLSearchParams, keys: readonly string[], now: Date): PushAuthVerdict {
  const values = query.getAll("auth_key");
  if (values.length === 0) return { ok: false, reason: "auth_missing", message: "the publish URL has no auth_key" };
  if (values.length > 1) return { ok: false, reason: "auth_malformed", message: "the publish URL has more than one auth_key" };
  const parts = parsePushAuthKey(values[0]!);
  if ("error" in parts) return { ok: false, reason: "auth_malformed", message: parts.error };
  if (Number(parts.expiry) < Math.floor(now.getTime() / 1000)) {
    return { ok: false, reason: "auth_expired", message: `auth_key expired at ${new Date(Number(parts.expiry) * 1000).toISOString()}` };
  }
  const given = Buffer.from(parts.hash, "utf8");
  // Every key is tried, so the time taken does not tell which one was close.
  let matched = false;
  for (const key of keys) {
    const expected = Buffer.from(pushAuthHash(path, parts, key), "utf8");
    if (timingSafeEqual(expected, given)) matched = true;
  }
  if (!matched) return { ok: false, reason: "auth_invalid", message: "auth_key does not match this stream and the domain's keys" };
  return { ok: true };
}
