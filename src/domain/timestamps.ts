import { badInput } from "../errors";

/**
 * The instants a query may name: years 1 to 9999, written alike by an RFC 3339 date-time, by
 * `Date#toISOString` and by PostgreSQL (which has no year 0 and cannot read `+275760-…`).
 */
export const EARLIEST_INSTANT = new Date("0001-01-01T00:00:00.000Z");
export const LATEST_INSTANT = new Date("9999-12-31T23:59:59.999Z");

export function isQueryableInstant(at: Date): boolean {
  const ms = at.getTime();
  return ms >= EARLIEST_INSTANT.getTime() && ms <= LATEST_INSTANT.getTime();
}

export function assertQueryableInstant(field: string, at: Date): Date {
  if (!isQueryableInstant(at)) {
    throw badInput(field, `${field} must be between ${EARLIEST_INSTANT.toISOString()} and ${LATEST_INSTANT.toISOString()}`);
  }
  return at;
}
