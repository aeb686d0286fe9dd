import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../src/db/client";
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

describe("migrations on a PostgreSQL server shared by several instances", () => {
  const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  let name: string;
  let url: string;
  beforeAll(async () => {
    name = `livesnap_migrate_${randomBytes(6).toString("hex")}`;
    const admin = postgres(server, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const target = new URL(server);
    target.pathname = `/${name}`;
    url = target.toString();
  });
  afterAll(async () => {
    const admin = postgres(server, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it("lets four instances starting at once on an empty database migrate it once, all successfully", async () => {
    const handles = await Promise.all([0, 1, 2, 3].map(() => openDatabase({ url, maxConnections: 2 })));
    try {
      const outcomes = await Promise.allSettled(handles.map((h) => h.migrate()));
      expect(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "ok"))).toEqual(["ok", "ok", "ok", "ok"]);
      const applied = rowsOf<{ count: string }>(await handles[0]!.db.execute(sql`select count(*)::text as count from drizzle.__drizzle_migrations`));
      expect(Number(applied[0]!.count)).toBe(readdirSync(path.resolve(__dirname, "../drizzle")).filter((f) => f.endsWith(".sql")).length);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });
});
