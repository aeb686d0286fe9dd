import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../src/db/client";
import { rowsOf } from "../src/db/json-row";
import { createTestDatabase, testDatabaseKind } from "./support/db";

describe(`migrations on ${testDatabaseKind()}`, () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle.close();
  });

  it("creates every table and can be applied twice", async () => {
    await handle.migrate();
    const result = await handle.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const rows = rowsOf<{ table_name: string }>(result);
    expect(rows.map((r) => r.table_name)).toEqual([
      "accounts",
      "api_tokens",
      "callback_deliveries",
      "domain_groups",
      "live_streams",
      "snapshot_callbacks",
      "snapshot_configs",
      "snapshot_templates",
      "snapshots",
    ]);
  });
});
