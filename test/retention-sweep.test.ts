import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../src/db/client";
import type { LiveStreamRow, SnapshotRow, SnapshotTemplateRow } from "../src/db/schema";
import { issueTokenForAccount } from "../src/domain/api-tokens";
import { createSnapshotTemplate, updateSnapshotTemplate } from "../src/domain/snapshot-templates";
import type { Viewer } from "../src/domain/viewer";
import { silentLogger } from "../src/logger";
import { Counter } from "../src/metrics";
import { createRetentionSweep, type RetentionSweepOptions } from "../src/pipeline/retention-sweep";
import { createFsObjectStore } from "../src/storage/fs-store";
import type { ObjectStore } from "../src/storage/object-store";
import { createS3ObjectStore } from "../src/storage/s3-store";
import { createServerDatabase } from "./support/db";
import { DAY_MS, insertLiveStream, objectExists, seedSnapshot, snapshotIds } from "./support/retention-seed";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "./support/storage-s3rver";
import { waitFor } from "./support/wait";

interface StoreFixture {
  store: ObjectStore;
  s3?: RunningS3rver;
  /**
   * s3rver 3.7.1 removes emptied folders after a delete by readdir-then-rmdir, so concurrent
   * deletes in one folder fail there with ENOENT (S3 itself has no folders): one at a time on it.
   */
  deleteConcurrency?: number;
  close(): Promise<void>;
}

async function fsFixture(): Promise<StoreFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), "livesnap-retention-fs-"));
  const store = createFsObjectStore({ rootDir: dir, publicBaseUrl: "http://127.0.0.1:1", signingKey: randomBytes(32) });
  return { store, close: () => rm(dir, { recursive: true, force: true }) };
}

async function s3Fixture(): Promise<StoreFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), "livesnap-retention-s3-"));
  const s3 = await startS3rver({ directory: dir, buckets: ["livesnap"] });
  const store = createS3ObjectStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    bucket: "livesnap",
    forcePathStyle: true,
    requestTimeoutMs: 5_000,
    connectionTimeoutMs: 2_000,
    ...S3RVER_CREDENTIALS,
  });
  return {
    store,
    s3,
    deleteConcurrency: 1,
    close: async () => {
      await store.close();
      await s3.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Two handles on one database: two pools on PostgreSQL (as two instances of a cluster have), or
 * the one PGlite handle twice (PGlite is one process's database).
 */
async function openDatabases(): Promise<{ first: DatabaseHandle; second: DatabaseHandle; close(): Promise<void> }> {
  const server = await createServerDatabase();
  if (!server) {
    const handle = await openDatabase({});
    await handle.migrate();
    return { first: handle, second: handle, close: () => handle.close() };
  }
  const first = await openDatabase({ url: server.url, maxConnections: 3 });
  await first.migrate();
  const second = await openDatabase({ url: server.url, maxConnections: 3 });
  return {
    first,
    second,
    close: async () => {
      await first.close();
      await second.close();
      await server.drop();
    },
  };
}

const NOW = new Date("2026-06-15T12:00:00.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe.each([
  ["fs", fsFixture],
  ["s3 (s3rver)", s3Fixture],
] as const)("the retention sweep on the %s store", (_, openStore) => {
  let dbs: Awaited<ReturnType<typeof openDatabases>>;
  let fixture: StoreFixture;
  let db: DatabaseHandle["db"];
  let viewer: Viewer;
  let deleted: Counter;
  let failures: Counter;

  const sweepOf = (overrides: Partial<RetentionSweepOptions> = {}) =>
    createRetentionSweep({
      database: dbs.first,
      store: fixture.store,
      logger: silentLogger(),
      intervalMs: 3_600_000,
      firstDelayMs: 3_600_000,
      batchSize: 2,
      deleteConcurrency: fixture.deleteConcurrency,
      deleted,
      failures,
      ...overrides,
    });
  const template = (name: string, storageMode: "SEQUENCE" | "COVERAGE", retentionDays: number | null) =>
    createSnapshotTemplate(db, viewer, { name, format: "JPG", intervalSeconds: 5, storageMode, retentionDays });
  const live = (t: SnapshotTemplateRow, stream: string, status: "LIVE" | "ENDED" = "LIVE") =>
    insertLiveStream(db, { accountId: viewer.accountId, domain: "retention.example.com", app: "live", stream, template: t, status });
  const present = async (rows: SnapshotRow[]) =>
    Promise.all(rows.map((r) => objectExists(fixture.store, r.bucket, r.key)));

  beforeEach(async () => {
    dbs = await openDatabases();
    db = dbs.first.db;
    fixture = await openStore();
    const token = await issueTokenForAccount(db, "retention", "ADMIN");
    viewer = { tokenId: token.apiToken.id, accountId: token.apiToken.accountId, role: "ADMIN", operator: false };
    deleted = new Counter();
    failures = new Counter();
  });
  afterEach(async () => {
    await fixture?.close();
    await dbs?.close();
  });

  it("deletes exactly the images past their template's retention, as the template is now", async () => {
    const seq = await template("seq-week", "SEQUENCE", 30);
    const forever = await template("seq-forever", "SEQUENCE", null);
    const cover = await template("cover-day", "COVERAGE", 1);
    const seqStream = await live(seq, "seq");
    const foreverStream = await live(forever, "forever", "ENDED");
    const endedCover = await live(cover, "cover-ended", "ENDED");
    const liveCover = await live(cover, "cover-live");

    const week = 7 * DAY_MS;
    const seqRows = {
      tenDays: await seedSnapshot(db, fixture.store, seqStream, ago(10 * DAY_MS)),
      justPast: await seedSnapshot(db, fixture.store, seqStream, ago(week + 1)),
      exactlyAWeek: await seedSnapshot(db, fixture.store, seqStream, ago(week)),
      sixDays: await seedSnapshot(db, fixture.store, seqStream, ago(6 * DAY_MS)),
    };
    const old = await seedSnapshot(db, fixture.store, foreverStream, ago(400 * DAY_MS));
    const endedOld = await seedSnapshot(db, fixture.store, endedCover, ago(2 * DAY_MS));
    const endedToday = await seedSnapshot(db, fixture.store, endedCover, ago(DAY_MS - 1));
    const liveOld = await seedSnapshot(db, fixture.store, liveCover, ago(2 * DAY_MS));
    const all = [...Object.values(seqRows), old, endedOld, endedToday, liveOld];

    // At 30 days nothing of the sequence is old enough; only the ended stream's day-old coverage object is.
    expect(await sweepOf().sweep(NOW)).toEqual({ ran: true, deleted: 1, failed: 0 });
    expect(await present(all)).toEqual([true, true, true, true, true, false, true, true]);

    // Shortened to a week: the images already taken follow.
    await updateSnapshotTemplate(db, viewer, seq.id, { retentionDays: 7 });
    expect(await sweepOf().sweep(NOW)).toEqual({ ran: true, deleted: 2, failed: 0 });
    expect(await present(all)).toEqual([false, false, true, true, true, false, true, true]);
    expect(await snapshotIds(db)).toEqual([seqRows.exactlyAWeek.id, seqRows.sixDays.id, old.id, endedToday.id, liveOld.id].sort());
    expect(deleted.get({ cause: "retention" })).toBe(3);
    expect(failures.get({ cause: "retention" })).toBe(0);

    // Nothing more is due: a later sweep at the same instant deletes nothing.
    expect(await sweepOf().sweep(NOW)).toEqual({ ran: true, deleted: 0, failed: 0 });
  });

  it("keeps the row of an image the store would not delete, goes on with the others, and deletes it on the next sweep", async () => {
    const seq = await template("seq-day", "SEQUENCE", 1);
    const stream = await live(seq, "cam");
    const rows = [];
    for (let i = 0; i < 5; i++) rows.push(await seedSnapshot(db, fixture.store, stream, ago(2 * DAY_MS + i * 1000)));
    const stubborn = rows[3]!;

    let refusing: ObjectStore["delete"];
    if (fixture.s3) {
      // A real outage: the S3 service is gone for the first sweep.
      await fixture.s3.stop();
      refusing = (bucket, key) => fixture.store.delete(bucket, key);
    } else {
      refusing = async (bucket, key) => {
        if (key === stubborn.key) throw Object.assign(new Error("EIO: i/o error, unlink"), { code: "EIO" });
        await fixture.store.delete(bucket, key);
      };
    }
    const first = await sweepOf({ store: { delete: refusing } }).sweep(NOW);
    const failedNow = fixture.s3 ? rows : [stubborn];
    expect(first).toEqual({ ran: true, deleted: rows.length - failedNow.length, failed: failedNow.length });
    expect(await snapshotIds(db)).toEqual(failedNow.map((r) => r.id).sort());
    expect(failures.get({ cause: "retention" })).toBe(failedNow.length);

    if (fixture.s3) await fixture.s3.restart();
    expect(await present(failedNow)).toEqual(failedNow.map(() => true));
    expect(await sweepOf().sweep(NOW)).toEqual({ ran: true, deleted: failedNow.length, failed: 0 });
    expect(await snapshotIds(db)).toEqual([]);
    expect(await present(rows)).toEqual(rows.map(() => false));
    expect(deleted.get({ cause: "retention" })).toBe(rows.length);
  });

  it("sweeps on its own soon after start, and not after stop", async () => {
    const seq = await template("seq-timer", "SEQUENCE", 1);
    const stream = await live(seq, "timer");
    const expired = await seedSnapshot(db, fixture.store, stream, new Date(Date.now() - 2 * DAY_MS));
    const sweep = sweepOf({ firstDelayMs: 50, intervalMs: 3_600_000 });
    expect(sweep.lastSweepAt).toBeNull();
    sweep.start();
    await waitFor(() => sweep.lastSweepAt !== null, 20_000, "the first sweep");
    await sweep.stop();
    expect(await snapshotIds(db)).toEqual([]);
    expect(await objectExists(fixture.store, expired.bucket, expired.key)).toBe(false);

    const later = await seedSnapshot(db, fixture.store, stream, new Date(Date.now() - 3 * DAY_MS));
    const stopped = sweepOf({ firstDelayMs: 50, intervalMs: 50 });
    stopped.start();
    await stopped.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped.lastSweepAt).toBeNull();
    expect(await snapshotIds(db)).toEqual([later.id]);
  });

  it("runs once when two sweeps start at once: the second finds the lock taken and deletes nothing", async () => {
    const seq = await template("seq-race", "SEQUENCE", 1);
    const stream: LiveStreamRow = await live(seq, "race");
    const rows = [];
    for (let i = 0; i < 4; i++) rows.push(await seedSnapshot(db, fixture.store, stream, ago(3 * DAY_MS + i)));

    const calls: string[] = [];
    let reached!: () => void;
    const firstDeleteReached = new Promise<void>((resolve) => (reached = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated: ObjectStore["delete"] = async (bucket, key) => {
      calls.push(key);
      reached();
      await gate;
      await fixture.store.delete(bucket, key);
    };
    const a = sweepOf({ store: { delete: gated } }).sweep(NOW);
    await firstDeleteReached;
    // The first holds the lock while its deletes wait: the second, on its own connection, is refused.
    const b = await sweepOf({ database: dbs.second, store: { delete: gated } }).sweep(NOW);
    expect(b).toEqual({ ran: false });
    open();
    expect(await a).toEqual({ ran: true, deleted: 4, failed: 0 });
    expect(calls.sort()).toEqual(rows.map((r) => r.key).sort());
    expect(await snapshotIds(db)).toEqual([]);
    // The lock was let go with the sweep.
    expect(await sweepOf({ database: dbs.second }).sweep(NOW)).toEqual({ ran: true, deleted: 0, failed: 0 });
  });
});
