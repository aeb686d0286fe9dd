import { and, asc, desc, eq, gt, lt, or, type AnyColumn, type SQL } from "drizzle-orm";
import type { Cursor } from "./pagination";

/** Rows strictly after the cursor in (at, id) order, ascending or descending. */
export function keysetAfter(at: AnyColumn, id: AnyColumn, cursor: Cursor | null, direction: "asc" | "desc"): SQL | undefined {
  if (!cursor) return undefined;
  const beyond = direction === "asc" ? gt : lt;
  return or(beyond(at, cursor.at), and(eq(at, cursor.at), beyond(id, cursor.id)));
}

export function keysetOrder(at: AnyColumn, id: AnyColumn, direction: "asc" | "desc"): SQL[] {
  const by = direction === "asc" ? asc : desc;
  return [by(at), by(id)];
}
