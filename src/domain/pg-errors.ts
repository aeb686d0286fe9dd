/** The SQLSTATE of a database error, whichever driver raised it and however it was wrapped. */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = "23505";
export const FOREIGN_KEY_VIOLATION = "23503";
export const RESTRICT_VIOLATION = "23001";

/** A delete refused because other rows still reference the row: ON DELETE RESTRICT (23001) or NO ACTION (23503). */
export function isStillReferenced(error: unknown): boolean {
  const code = pgErrorCode(error);
  return code === RESTRICT_VIOLATION || code === FOREIGN_KEY_VIOLATION;
}

/** SQLSTATEs of a server that is going away or not yet back: class 08 and admin/crash shutdown. */
const UNAVAILABLE_STATE = /^(08...|57P0[123])$/;
/** What the drivers and Node's sockets say when no server answers or a connection broke. */
const UNAVAILABLE_CONNECTION = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** The database could not be reached or dropped the connection: worth a retry, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const pending: unknown[] = [error];
  for (let seen = 0; pending.length > 0 && seen < 10; seen++) {
    const current = pending.shift();
    if (!current || typeof current !== "object") continue;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_STATE.test(code) || UNAVAILABLE_CONNECTION.has(code))) return true;
    pending.push((current as { cause?: unknown }).cause);
    const inner = (current as { errors?: unknown }).errors;
    if (Array.isArray(inner)) pending.push(...inner);
  }
  return false;
}
