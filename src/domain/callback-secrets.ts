import { randomBytes } from "node:crypto";
import { badInput } from "../errors";

const PREFIX = "whsec_";
/** Key sizes the Standard Webhooks specification allows. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `whsec_` and the base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

/** A secret a client chose: `whsec_<base64>` of 24 to 64 bytes. */
export function assertSigningSecret(field: string, value: string): string {
  const encoded = value.startsWith(PREFIX) ? value.slice(PREFIX.length) : null;
  const bytes = encoded !== null && encoded.length <= 100 && BASE64.test(encoded) ? Buffer.from(encoded, "base64").length : 0;
  if (bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES) {
    throw badInput(field, `${field} must be "${PREFIX}" followed by the base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`);
  }
  return value;
}

/** The HMAC key a secret stands for. */
export function signingKeyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
}
