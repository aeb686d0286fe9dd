import { and, asc, desc, eq, gt, lt, or, type AnyColumn, type SQL } from "drizzle-orm";
import type { Cursor } from "./pagination";

/** Rows strictly after the cursor in (at, id) order, ascending or descending. */
export function keysetAfter(at: AnyColumn, id: AnyColumn, cursor: Cursor | null, direction: "asc" | "desc"): SQL | undefined {
  if (!cursor) return undefined;
  const beyond = direction === "asc" ? gt : lt;
  return or(beyond(at, cursor.at), and(eq(at, cursor.at), beyond(id, cursor.id)));
}

/** An account's rows after the cursor, oldest first: the order of every list of things an account creates. */
export function ownRowsByCreation(
  table: { accountId: AnyColumn; createdAt: AnyColumn; id: AnyColumn },
  accountId: string,
  cursor: Cursor | null,
): { where: SQL | undefined; orderBy: SQL[] } {
  return {
    where: and(eq(table.accountId, accountId), keysetAfter(table.createdAt, table.id, cursor, "asc")),
    orderBy: keysetOrder(table.createdAt, table.id, "asc"),
  };
}

export function keysetOrder(at: AnyColumn, id: AnyColumn, direction: "asc" | "desc"): SQL[] {
  const by = direction === "asc" ? asc : desc;
  return [by(at), by(id)];
}
