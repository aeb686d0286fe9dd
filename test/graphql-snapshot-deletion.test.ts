import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveStreamRow, SnapshotRow, SnapshotTemplateRow } from "../src/db/schema";
import { getSnapshotTemplateOrThrow } from "../src/domain/snapshot-templates";
import { createFsObjectStore, type FsObjectStore } from "../src/storage/fs-store";
import { graphql } from "./gql";
import { codes, createTestApi, type Tenant, type TestApi } from "./support/api";
import { CreateDomainGroup } from "./support/operations";
import { DAY_MS, insertLiveStream, objectExists, seedSnapshot, snapshotIds } from "./support/retention-seed";

const CreateRetainingTemplate = graphql(`
  mutation CreateRetainingTemplate($input: CreateSnapshotTemplateInput!) {
    createSnapshotTemplate(input: $input) { id retentionDays }
  }
`);
const UpdateRetention = graphql(`
  mutation UpdateRetention($id: ID!, $input: UpdateSnapshotTemplateInput!) {
    updateSnapshotTemplate(id: $id, input: $input) { id retentionDays }
  }
`);
const SnapshotById = graphql(`
  query SnapshotById($id: ID!) { snapshot(id: $id) { id key bucket bytes url urlExpiresAt } }
`);
const DeleteSnapshots = graphql(`mutation DeleteSnapshots($ids: [ID!]!) { deleteSnapshots(ids: $ids) }`);
const DeleteSnapshotsOf = graphql(`
  mutation DeleteSnapshotsOf($domain: String!, $app: String!, $stream: String!, $before: DateTime!) {
    deleteSnapshotsOf(domain: $domain, app: $app, stream: $stream, before: $before)
  }
`);

const SIGNED_TTL_SECONDS = 600;

describe("snapshot(id), deleteSnapshots, deleteSnapshotsOf and template retention", () => {
  let api: TestApi;
  let store: FsObjectStore;
  let dir: string;
  let alice: Tenant;
  let bob: Tenant;
  let aliceTemplate: SnapshotTemplateRow;
  let bobTemplate: SnapshotTemplateRow;

  const streamOf = (tenant: Tenant, template: SnapshotTemplateRow, domain: string, stream: string): Promise<LiveStreamRow> =>
    insertLiveStream(api.handle.db, { accountId: tenant.accountId, domain, app: "live", stream, template, status: "ENDED" });
  const seed = (stream: LiveStreamRow, at: Date) => seedSnapshot(api.handle.db, store, stream, at);
  const exists = (row: SnapshotRow) => objectExists(store, row.bucket, row.key);
  const viewerOf = (t: Tenant) => ({ tokenId: randomUUID(), accountId: t.accountId, role: "ADMIN" as const, operator: false });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "livesnap-deletion-"));
    store = createFsObjectStore({ rootDir: dir, publicBaseUrl: "http://127.0.0.1:1", signingKey: randomBytes(32) });
    api = await createTestApi({
      signSnapshotUrl: (bucket, key) => store.signedGetUrl(bucket, key, SIGNED_TTL_SECONDS),
      deleteSnapshotObject: (bucket, key) => store.delete(bucket, key),
    });
    alice = await api.tenant("alice");
    bob = await api.tenant("bob");
    await alice.admin(CreateDomainGroup, { input: { pushDomain: "alice.example.com", playDomain: "play.alice.example.com" } });
    await bob.admin(CreateDomainGroup, { input: { pushDomain: "bob.example.com", playDomain: "play.bob.example.com" } });
    const a = await alice.admin(CreateRetainingTemplate, { input: { name: "seq", format: "JPG", intervalSeconds: 5, storageMode: "SEQUENCE" } });
    const b = await bob.admin(CreateRetainingTemplate, { input: { name: "seq", format: "JPG", intervalSeconds: 5, storageMode: "SEQUENCE" } });
    aliceTemplate = await getSnapshotTemplateOrThrow(api.handle.db, viewerOf(alice), a.data!.createSnapshotTemplate.id);
    bobTemplate = await getSnapshotTemplateOrThrow(api.handle.db, viewerOf(bob), b.data!.createSnapshotTemplate.id);
  });
  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe("retentionDays", () => {
    it("is null unless given, takes 1..3650, and can be changed and cleared", async () => {
      const none = await alice.admin(CreateRetainingTemplate, { input: { name: "keep", format: "JPG", intervalSeconds: 5, storageMode: "COVERAGE" } });
      expect(none.data!.createSnapshotTemplate.retentionDays).toBeNull();
      const low = await alice.admin(CreateRetainingTemplate, {
        input: { name: "one-day", format: "JPG", intervalSeconds: 5, storageMode: "SEQUENCE", retentionDays: 1 },
      });
      expect(low.data!.createSnapshotTemplate.retentionDays).toBe(1);
      const id = low.data!.createSnapshotTemplate.id;
      expect((await alice.admin(UpdateRetention, { id, input: { retentionDays: 3650 } })).data!.updateSnapshotTemplate.retentionDays).toBe(3650);
      expect((await alice.admin(UpdateRetention, { id, input: { retentionDays: null } })).data!.updateSnapshotTemplate.retentionDays).toBeNull();
    });

    it.each([0, 3651, -1])("refuses %s as BAD_USER_INPUT naming retentionDays, on create and update", async (retentionDays) => {
      const created = await alice.admin(CreateRetainingTemplate, {
        input: { name: `bad-${retentionDays + 10}`, format: "JPG", intervalSeconds: 5, storageMode: "SEQUENCE", retentionDays },
      });
      expect(codes(created)).toEqual(["BAD_USER_INPUT"]);
      expect(created.errors![0]!.extensions!.field).toBe("retentionDays");
      expect(created.errors![0]!.message).toContain("1 to 3650");
      const updated = await alice.admin(UpdateRetention, { id: aliceTemplate.id, input: { retentionDays } });
      expect(codes(updated)).toEqual(["BAD_USER_INPUT"]);
      expect(updated.errors![0]!.extensions!.field).toBe("retentionDays");
    });
  });

  describe("snapshot(id)", () => {
    it("returns the caller's snapshot with a URL signed now, and null for another account's or an unknown id", async () => {
      const mine = await seed(await streamOf(alice, aliceTemplate, "alice.example.com", "single"), new Date("2026-05-01T10:00:00Z"));
      const theirs = await seed(await streamOf(bob, bobTemplate, "bob.example.com", "single"), new Date("2026-05-01T10:00:00Z"));
      const before = Date.now();
      const got = (await alice.reader(SnapshotById, { id: mine.id })).data!.snapshot!;
      expect(got).toMatchObject({ id: mine.id, key: mine.key, bucket: mine.bucket, bytes: mine.bytes });
      expect(new URL(got.url).searchParams.get("signature")).toMatch(/^[0-9a-f]+$/);
      const expiresIn = new Date(got.urlExpiresAt).getTime() - before;
      expect(expiresIn).toBeGreaterThan((SIGNED_TTL_SECONDS - 5) * 1000);
      expect(expiresIn).toBeLessThanOrEqual((SIGNED_TTL_SECONDS + 1) * 1000);

      expect(await alice.admin(SnapshotById, { id: theirs.id })).toEqual({ data: { snapshot: null } });
      expect(await alice.admin(SnapshotById, { id: randomUUID() })).toEqual({ data: { snapshot: null } });
    });

    it("answers NOT_FOUND naming id for an id no snapshot could have, as snapshotTemplate(id) does", async () => {
      const r = await alice.admin(SnapshotById, { id: "not-a-uuid" });
      expect(codes(r)).toEqual(["NOT_FOUND"]);
      expect(r.errors![0]!.extensions!.field).toBe("id");
    });
  });

  describe("deleteSnapshots", () => {
    it("deletes the caller's images and rows, and leaves out (and alone) unknown ids and another account's", async () => {
      const stream = await streamOf(alice, aliceTemplate, "alice.example.com", "by-id");
      const mine = [await seed(stream, new Date("2026-05-02T10:00:00Z")), await seed(stream, new Date("2026-05-02T10:00:05Z"))];
      const kept = await seed(stream, new Date("2026-05-02T10:00:10Z"));
      const theirs = await seed(await streamOf(bob, bobTemplate, "bob.example.com", "by-id"), new Date("2026-05-02T10:00:00Z"));
      const unknown = randomUUID();

      const r = await alice.admin(DeleteSnapshots, { ids: [mine[0]!.id, theirs.id, unknown, mine[1]!.id, mine[0]!.id] });
      expect(r.errors).toBeUndefined();
      expect(r.data!.deleteSnapshots).toEqual([mine[0]!.id, mine[1]!.id]);
      expect(await Promise.all([...mine, kept, theirs].map(exists))).toEqual([false, false, true, true]);
      expect(await alice.admin(SnapshotById, { id: mine[0]!.id })).toEqual({ data: { snapshot: null } });
      expect((await bob.admin(SnapshotById, { id: theirs.id })).data!.snapshot!.id).toBe(theirs.id);
      expect((await alice.admin(SnapshotById, { id: kept.id })).data!.snapshot!.id).toBe(kept.id);
    });

    it("refuses a READER token, more than 100 ids and a malformed id, deleting nothing", async () => {
      const stream = await streamOf(alice, aliceTemplate, "alice.example.com", "refused");
      const row = await seed(stream, new Date("2026-05-03T10:00:00Z"));
      const before = await snapshotIds(api.handle.db);

      const reader = await alice.reader(DeleteSnapshots, { ids: [row.id] });
      expect(codes(reader)).toEqual(["FORBIDDEN"]);
      const tooMany = await alice.admin(DeleteSnapshots, { ids: [row.id, ...Array.from({ length: 100 }, () => randomUUID())] });
      expect(codes(tooMany)).toEqual(["BAD_USER_INPUT"]);
      expect(tooMany.errors![0]!.extensions!.field).toBe("ids");
      expect(tooMany.errors![0]!.message).toContain("at most 100");
      const malformed = await alice.admin(DeleteSnapshots, { ids: [row.id, "x' OR '1'='1"] });
      expect(codes(malformed)).toEqual(["BAD_USER_INPUT"]);
      expect(malformed.errors![0]!.message).toContain("ids[1]");

      expect(await snapshotIds(api.handle.db)).toEqual(before);
      expect(await exists(row)).toBe(true);

      // Exactly 100 is within the cap.
      const hundred = await alice.admin(DeleteSnapshots, { ids: [row.id, ...Array.from({ length: 99 }, () => randomUUID())] });
      expect(hundred.data!.deleteSnapshots).toEqual([row.id]);
    });
  });

  describe("deleteSnapshotsOf", () => {
    it("deletes one stream's images before the instant, in batches, and returns how many", async () => {
      const stream = await streamOf(alice, aliceTemplate, "alice.example.com", "bulk");
      const other = await streamOf(alice, aliceTemplate, "alice.example.com", "bulk-other");
      const before = new Date("2026-05-04T00:00:00Z");
      const old: SnapshotRow[] = [];
      // More than one batch of 200.
      for (let i = 0; i < 230; i++) old.push(await seed(stream, new Date(before.getTime() - (i + 1) * 1000)));
      const atBefore = await seed(stream, before);
      const later = await seed(stream, new Date(before.getTime() + DAY_MS));
      const otherOld = await seed(other, new Date(before.getTime() - 1000));
      const bobs = await seed(await streamOf(bob, bobTemplate, "bob.example.com", "bulk"), new Date(before.getTime() - 1000));

      const reader = await alice.reader(DeleteSnapshotsOf, { domain: "alice.example.com", app: "live", stream: "bulk", before: before.toISOString() });
      expect(codes(reader)).toEqual(["FORBIDDEN"]);

      const r = await alice.admin(DeleteSnapshotsOf, { domain: "alice.example.com", app: "live", stream: "bulk", before: before.toISOString() });
      expect(r.errors).toBeUndefined();
      expect(r.data!.deleteSnapshotsOf).toBe(230);
      expect((await Promise.all(old.map(exists))).filter(Boolean)).toEqual([]);
      expect(await Promise.all([atBefore, later, otherOld, bobs].map(exists))).toEqual([true, true, true, true]);
      const remaining = new Set(await snapshotIds(api.handle.db));
      expect(old.filter((row) => remaining.has(row.id))).toEqual([]);
      for (const row of [atBefore, later, otherOld, bobs]) expect(remaining.has(row.id)).toBe(true);

      const again = await alice.admin(DeleteSnapshotsOf, { domain: "alice.example.com", app: "live", stream: "bulk", before: before.toISOString() });
      expect(again.data!.deleteSnapshotsOf).toBe(0);
    });

    it("deletes the caller's images of a domain whose group is gone", async () => {
      // No domain group has this domain any more; the images stay Alice's.
      const row = await seed(await streamOf(alice, aliceTemplate, "gone.example.com", "left"), new Date("2026-05-06T00:00:00Z"));
      const r = await alice.admin(DeleteSnapshotsOf, { domain: "gone.example.com", app: "live", stream: "left", before: "2027-01-01T00:00:00Z" });
      expect(r.data!.deleteSnapshotsOf).toBe(1);
      expect(await exists(row)).toBe(false);
    });

    it("answers NOT_FOUND for another account's domain and deletes none of its images", async () => {
      const row = await seed(await streamOf(bob, bobTemplate, "bob.example.com", "guarded"), new Date("2026-05-05T00:00:00Z"));
      const r = await alice.admin(DeleteSnapshotsOf, { domain: "bob.example.com", app: "live", stream: "guarded", before: "2027-01-01T00:00:00Z" });
      expect(codes(r)).toEqual(["NOT_FOUND"]);
      expect(r.errors![0]!.extensions!.field).toBe("domain");
      expect(await exists(row)).toBe(true);
      expect((await bob.reader(SnapshotById, { id: row.id })).data!.snapshot!.id).toBe(row.id);
    });
  });
});
