import { getTableColumns, type Table } from "drizzle-orm";

/**
 * A row that PostgreSQL sent as `to_jsonb(row)` (snake_case keys, timestamps as text), turned
 * into the same object a drizzle select of that table gives, using the table's own columns.
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): T["$inferSelect"] {
  const row: Record<string, unknown> = {};
  for (const [property, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[property] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}

/** The rows of a raw `db.execute`: postgres.js answers with the rows themselves, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
