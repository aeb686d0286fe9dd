import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveStreamRow, SnapshotTemplateRow } from "../src/db/schema";
import { assertStatsRange } from "../src/domain/snapshot-stats";
import { createSnapshotTemplate } from "../src/domain/snapshot-templates";
import { createFsObjectStore, type FsObjectStore } from "../src/storage/fs-store";
import { graphql } from "./gql";
import { codes, createTestApi, type Tenant, type TestApi } from "./support/api";
import { CreateDomainGroup } from "./support/operations";
import { DAY_MS, insertLiveStream, seedSnapshot } from "./support/retention-seed";

const Stats = graphql(`
  query Stats($domain: String!, $app: String, $stream: String, $from: DateTime!, $to: DateTime!, $bucket: StatsBucket!) {
    snapshotStats(domain: $domain, app: $app, stream: $stream, from: $from, to: $to, bucket: $bucket) { start count bytes }
  }
`);

const DOMAIN = "stats.example.com";

describe("snapshotStats", () => {
  let api: TestApi;
  let store: FsObjectStore;
  let dir: string;
  let alice: Tenant;
  let bob: Tenant;

  const at = (iso: string) => new Date(iso);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "livesnap-stats-"));
    store = createFsObjectStore({ rootDir: dir, publicBaseUrl: "http://127.0.0.1:1", signingKey: randomBytes(32) });
    api = await createTestApi();
    alice = await api.tenant("alice");
    bob = await api.tenant("bob");
    await alice.admin(CreateDomainGroup, { input: { pushDomain: DOMAIN, playDomain: "play.stats.example.com" } });
    await bob.admin(CreateDomainGroup, { input: { pushDomain: "bob-stats.example.com", playDomain: "play.bob-stats.example.com" } });
    const viewer = (t: Tenant) => ({ tokenId: randomUUID(), accountId: t.accountId, role: "ADMIN" as const, operator: false });
    const template = (t: Tenant): Promise<SnapshotTemplateRow> =>
      createSnapshotTemplate(api.handle.db, viewer(t), { name: "seq", format: "JPG", intervalSeconds: 5, storageMode: "SEQUENCE" });
    const aliceTemplate = await template(alice);
    const stream = (t: Tenant, tpl: SnapshotTemplateRow, domain: string, name: string): Promise<LiveStreamRow> =>
      insertLiveStream(api.handle.db, { accountId: t.accountId, domain, app: "live", stream: name, template: tpl, status: "ENDED" });
    const cam = await stream(alice, aliceTemplate, DOMAIN, "cam");
    const door = await stream(alice, aliceTemplate, DOMAIN, "door");
    const seed = (s: LiveStreamRow, iso: string, bytes: number) => seedSnapshot(api.handle.db, store, s, at(iso), bytes);
    await seed(cam, "2026-03-01T00:00:00.000Z", 100);
    await seed(cam, "2026-03-01T00:59:59.999Z", 200);
    await seed(cam, "2026-03-01T01:00:00.000Z", 300);
    await seed(cam, "2026-03-01T23:59:59.999Z", 400);
    await seed(cam, "2026-03-02T00:00:00.000Z", 500);
    await seed(door, "2026-03-01T00:30:00.000Z", 1000);
    // Bob's images on a domain of his, at the same instants: never in Alice's figures.
    const bobs = await stream(bob, await template(bob), "bob-stats.example.com", "cam");
    await seed(bobs, "2026-03-01T00:10:00.000Z", 7);
    // A session time zone other than UTC must not move the buckets (PGlite has one session, so this is the one used).
    await api.handle.db.execute(sql`set time zone 'Asia/Kolkata'`);
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("counts and sums bytes per UTC hour in [from, to), leaving out empty hours", async () => {
    const r = await alice.reader(Stats, { domain: DOMAIN, from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", bucket: "HOUR" });
    expect(r.errors).toBeUndefined();
    expect(r.data!.snapshotStats).toEqual([
      { start: "2026-03-01T00:00:00.000Z", count: 3, bytes: 1300 },
      { start: "2026-03-01T01:00:00.000Z", count: 1, bytes: 300 },
      { start: "2026-03-01T23:00:00.000Z", count: 1, bytes: 400 },
    ]);
  });

  it("counts per UTC day, filtered by app and stream", async () => {
    const all = await alice.reader(Stats, { domain: DOMAIN, from: "2026-02-28T00:00:00Z", to: "2026-03-03T00:00:00Z", bucket: "DAY" });
    expect(all.data!.snapshotStats).toEqual([
      { start: "2026-03-01T00:00:00.000Z", count: 5, bytes: 2000 },
      { start: "2026-03-02T00:00:00.000Z", count: 1, bytes: 500 },
    ]);
    const cam = await alice.reader(Stats, { domain: DOMAIN, app: "live", stream: "cam", from: "2026-03-01T00:00:00Z", to: "2026-03-03T00:00:00Z", bucket: "DAY" });
    expect(cam.data!.snapshotStats).toEqual([
      { start: "2026-03-01T00:00:00.000Z", count: 4, bytes: 1000 },
      { start: "2026-03-02T00:00:00.000Z", count: 1, bytes: 500 },
    ]);
    const app = await alice.reader(Stats, { domain: DOMAIN, app: "other", from: "2026-03-01T00:00:00Z", to: "2026-03-03T00:00:00Z", bucket: "DAY" });
    expect(app.data!.snapshotStats).toEqual([]);
  });

  it("starts the range at from (a bucket cut by it counts only what is inside)", async () => {
    const r = await alice.reader(Stats, { domain: DOMAIN, from: "2026-03-01T00:30:00Z", to: "2026-03-01T01:00:00.001Z", bucket: "HOUR" });
    expect(r.data!.snapshotStats).toEqual([
      { start: "2026-03-01T00:00:00.000Z", count: 2, bytes: 1200 },
      { start: "2026-03-01T01:00:00.000Z", count: 1, bytes: 300 },
    ]);
  });

  it("answers NOT_FOUND for another account's domain, and nothing of anyone's for a domain nobody has", async () => {
    const r = await bob.admin(Stats, { domain: DOMAIN, from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", bucket: "DAY" });
    expect(codes(r)).toEqual(["NOT_FOUND"]);
    expect(r.errors![0]!.extensions!.field).toBe("domain");
    const nobody = await bob.admin(Stats, { domain: "nobody.example.com", from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", bucket: "DAY" });
    expect(nobody).toEqual({ data: { snapshotStats: [] } });
    const own = await bob.reader(Stats, { domain: "bob-stats.example.com", from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", bucket: "DAY" });
    expect(own.data!.snapshotStats).toEqual([{ start: "2026-03-01T00:00:00.000Z", count: 1, bytes: 7 }]);
  });

  it.each([
    ["HOUR", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00.001Z", "at most 31 days"],
    ["DAY", "2016-01-01T00:00:00Z", new Date(Date.parse("2016-01-01T00:00:00Z") + 3660 * DAY_MS + 1).toISOString(), "at most 3660 days"],
    ["DAY", "2026-01-02T00:00:00Z", "2026-01-02T00:00:00Z", "after from"],
    ["HOUR", "2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z", "after from"],
  ] as const)("refuses a %s range from %s to %s as BAD_USER_INPUT", async (bucket, from, to, message) => {
    const r = await alice.reader(Stats, { domain: DOMAIN, from, to, bucket });
    expect(codes(r)).toEqual(["BAD_USER_INPUT"]);
    expect(r.errors![0]!.extensions!.field).toBe("to");
    expect(r.errors![0]!.message).toContain(message);
  });

  it("accepts the longest ranges and the last instants a query may name", async () => {
    const longest = [
      { bucket: "HOUR", from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" },
      { bucket: "DAY", from: "2016-01-01T00:00:00Z", to: new Date(Date.parse("2016-01-01T00:00:00Z") + 3660 * DAY_MS).toISOString() },
      { bucket: "HOUR", from: "9999-12-31T00:00:00Z", to: "9999-12-31T23:59:59.999Z" },
      { bucket: "DAY", from: "0001-01-01T00:00:00Z", to: "0001-01-02T00:00:00Z" },
    ] as const;
    for (const range of longest) {
      const r = await alice.reader(Stats, { domain: DOMAIN, ...range });
      expect({ range, errors: r.errors }).toEqual({ range, errors: undefined });
    }
  });

  it("checks the range without I/O: the same rule the query applies", () => {
    expect(() => assertStatsRange(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z"), "HOUR")).not.toThrow();
    expect(() => assertStatsRange(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00.001Z"), "HOUR")).toThrow(/31 days/);
    expect(() => assertStatsRange(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00.001Z"), "DAY")).not.toThrow();
  });

  it("is one query an index serves", async () => {
    // The planner prefers a scan of a table this small; with scans off it shows which index can serve it.
    const plan = await api.handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const result = await tx.execute(sql`
        explain select date_trunc('hour', captured_at, 'UTC'), count(*), sum(bytes) from snapshots
        where account_id = ${alice.accountId} and domain = ${DOMAIN}
          and captured_at >= '2026-03-01T00:00:00Z' and captured_at < '2026-03-02T00:00:00Z'
        group by 1 order by 1`);
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, string>[];
      return rows.map((r) => Object.values(r)[0]).join("\n");
    });
    expect(plan).toMatch(/Index (Only )?Scan using snapshots_stats_idx/);
  });
});
