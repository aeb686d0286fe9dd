import { createHmac, timingSafeEqual } from "node:crypto";

/** Bucket and key cannot contain a newline, so the joined message is unambiguous. */
export function signObject(signingKey: Buffer, bucket: string, key: string, expires: number): string {
  return createHmac("sha256", signingKey).update(`${bucket}\n${key}\n${expires}`).digest("hex");
}

export function isValidObjectSignature(
  signingKey: Buffer,
  bucket: string,
  key: string,
  expires: number,
  signature: string,
): boolean {
  if (!/^[0-9a-f]{64}$/.test(signature)) return false;
  const expected = Buffer.from(signObject(signingKey, bucket, key, expires), "hex");
  return timingSafeEqual(expected, Buffer.from(signature, "hex"));
}
