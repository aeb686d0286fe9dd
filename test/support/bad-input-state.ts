import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client";

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Row count and a digest of the contents of every table, so updates show as well as inserts. */
export async function tableContents(db: Database): Promise<Record<string, string>> {
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`),
  );
  const contents: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const [row] = rowsOf<{ n: number; digest: string | null }>(
      await db.execute(sql.raw(`select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as digest from "${table}" t`)),
    );
    contents[table] = `${row!.n} rows, ${row!.digest ?? "empty"}`;
  }
  return contents;
}

/** Every file under DATA_DIR but the embedded database's own, with a digest of its bytes. */
export async function fileTree(dir: string, skip = ["pglite"]): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, full);
    if (skip.some((s) => relative === s || relative.startsWith(`${s}${path.sep}`))) continue;
    tree[relative] = entry.isFile() ? createHash("sha256").update(await readFile(full)).digest("hex") : "directory";
  }
  return tree;
}
