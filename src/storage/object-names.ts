import { resolve, sep } from "node:path";

/**
 * A bucket or key the store refuses to touch. Retrying cannot help, so uploads give up on it
 * at once.
 */
export class InvalidObjectNameError extends Error {
  readonly permanent = true;
  constructor(message: string) {
    super(message);
    this.name = "InvalidObjectNameError";
  }
}

// S3's rules for new buckets: 3..63 of a-z 0-9 . -, starting and ending with a letter or digit.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4_LIKE = /^\d+\.\d+\.\d+\.\d+$/;
const KEY_SEGMENT = /^[A-Za-z0-9_.~-]{1,255}$/;
const MAX_KEY_LENGTH = 1024;

/** For validating a template's bucket up front with the rules both drivers accept. */
export function isValidBucketName(bucket: string): boolean {
  return BUCKET.test(bucket) && !bucket.includes("..") && !IPV4_LIKE.test(bucket);
}

export function assertBucketName(bucket: string): string {
  if (!isValidBucketName(bucket)) {
    throw new InvalidObjectNameError(
      `bucket ${JSON.stringify(bucket)} is not a valid bucket name (3..63 of a-z, 0-9, ".", "-")`,
    );
  }
  return bucket;
}

/**
 * Keys become file paths in the fs driver, so they are held to segments that cannot climb out
 * of their bucket: no empty, `.` or `..` segment, no absolute path, no backslash or control
 * character.
 */
export function assertObjectKey(key: string): string[] {
  const segments = key.split("/");
  const ok =
    key.length > 0 &&
    key.length <= MAX_KEY_LENGTH &&
    segments.every((s) => KEY_SEGMENT.test(s) && s !== "." && s !== "..");
  if (!ok) {
    throw new InvalidObjectNameError(
      `object key ${JSON.stringify(key)} must be "/"-separated segments of letters, digits, "_", ".", "~", "-" (no "." or ".." segments)`,
    );
  }
  return segments;
}

/** The file of an object under rootDir, refusing anything that would resolve outside it. */
export function objectPath(rootDir: string, bucket: string, key: string): string {
  const root = resolve(rootDir);
  const path = resolve(root, assertBucketName(bucket), ...assertObjectKey(key));
  if (!path.startsWith(root + sep)) {
    throw new InvalidObjectNameError(`object ${bucket}/${key} resolves outside the store`);
  }
  return path;
}

const TYPES_BY_EXTENSION: Record<string, string> = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };

/** The fs driver keeps no metadata beside the bytes, so the key's extension decides the type. */
export function contentTypeOfKey(key: string): string {
  const dot = key.lastIndexOf(".");
  const extension = dot > key.lastIndexOf("/") ? key.slice(dot + 1).toLowerCase() : "";
  return TYPES_BY_EXTENSION[extension] ?? "application/octet-stream";
}
