import { badInput } from "../errors";
import { isQueryableInstant } from "./timestamps";

export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf(item: T): string;
}

/** Keyset position: a timestamp and the row id that breaks ties. */
export interface Cursor {
  at: Date;
  id: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput("first", `first must be an integer from 0 to ${MAX_PAGE_SIZE}`);
  }
  return first;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at.toISOString(), cursor.id])).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(after: string | null | undefined): Cursor | null {
  if (after === null || after === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(after, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
      const at = new Date(parsed[0]);
      // Exactly as encodeCursor writes it: Date's parser also takes text no cursor ever holds.
      if (isQueryableInstant(at) && at.toISOString() === parsed[0] && UUID.test(parsed[1])) return { at, id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw badInput("after", "after is not a cursor returned by this list");
}

/** Fetches one row more than asked to learn whether another page follows. */
export function toPage<T>(rows: T[], size: number, after: Cursor | null, cursorOf: (item: T) => Cursor): Page<T> {
  return {
    items: rows.slice(0, size),
    hasNextPage: rows.length > size,
    hasPreviousPage: after !== null,
    cursorOf: (item) => encodeCursor(cursorOf(item)),
  };
}

/** One page of rows: `fetch` gets the decoded cursor and asks for one row more than the page holds. */
export async function fetchPage<T>(
  args: PageArgs,
  fetch: (after: Cursor | null, limit: number) => Promise<T[]>,
  cursorOf: (item: T) => Cursor,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const after = decodeCursor(args.after);
  return toPage(await fetch(after, size + 1), size, after, cursorOf);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
