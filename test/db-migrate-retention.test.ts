import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "../src/db/client";

describe("migration 0003_retention_and_stats", () => {
  let dir: string | undefined;
  let client: PGlite | undefined;
  afterEach(async () => {
    await client?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("gives images taken before it the template frozen in their stream, and none to those of a stream without one", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "livesnap-migrate-"));
    const before = path.join(dir, "drizzle");
    await cp(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = path.join(before, "meta", "_journal.json");
    const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: { tag: string }[] };
    const index = journal.entries.findIndex((e) => e.tag === "0003_retention_and_stats");
    expect(index).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, index);
    await writeFile(journalPath, JSON.stringify(journal));

    client = new PGlite();
    await migrate(drizzle(client), { migrationsFolder: before });
    const templateId = "11111111-1111-4111-8111-111111111111";
    await client.exec(`
      insert into accounts (id, name) values ('00000000-0000-4000-8000-000000000001', 'a');
      insert into live_streams (id, account_id, domain, app_name, stream_name, source, status, template) values
        ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'd.example', 'live', 'cam', 'embedded', 'ENDED',
         '{"id": "${templateId}", "storageMode": "SEQUENCE"}'),
        ('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000001', 'd.example', 'live', 'bare', 'embedded', 'ENDED', null);
      insert into snapshots (id, account_id, live_stream_id, domain, app_name, stream_name, source_id, bucket, key, format, width, height, bytes, captured_at) values
        ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a1', 'd.example', 'live', 'cam', 's', 'livesnap', 'k1', 'JPG', 8, 8, 1, now()),
        ('00000000-0000-4000-8000-0000000000b2', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-0000000000a2', 'd.example', 'live', 'bare', 's', 'livesnap', 'k2', 'JPG', 8, 8, 1, now());
    `);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    const { rows } = await client.query<{ key: string; template_id: string | null }>("select key, template_id from snapshots order by key");
    expect(rows).toEqual([
      { key: "k1", template_id: templateId },
      { key: "k2", template_id: null },
    ]);
  });
});
