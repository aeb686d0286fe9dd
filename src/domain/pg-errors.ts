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
