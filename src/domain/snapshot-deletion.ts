import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { snapshotsTable } from "../db/schema";
import { badInput } from "../errors";
import { assertNotAnotherAccountsDomain } from "./domain-groups";
import { keysetAfter, keysetOrder } from "./keyset";
import { assertSegmentName, printable } from "./names";
import { isUuid, type Cursor } from "./pagination";
import { assertQueryableInstant } from "./timestamps";
import { requireAdmin, type Viewer } from "./viewer";

/** Removes one stored image; resolves when it is gone (or was never there). */
export type DeleteObject = (bucket: string, key: string) => Promise<void>;

/** What deleting a snapshot needs to know of its row. */
export interface StoredSnapshot {
  id: string;
  bucket: string;
  key: string;
  capturedAt: Date;
}

export const MAX_DELETE_IDS = 100;
/** One deleteSnapshotsOf call removes at most this many, so a request is bounded in time. */
export const MAX_DELETE_OF_STREAM = 10_000;
const DELETE_BATCH = 200;
/** Object deletes in flight at once: a store's latency, not its bandwidth, bounds a sweep. */
export const OBJECT_DELETE_CONCURRENCY = 8;

export const storedSnapshotColumns = {
  id: snapshotsTable.id,
  bucket: snapshotsTable.bucket,
  key: snapshotsTable.key,
  capturedAt: snapshotsTable.capturedAt,
};

export interface DeletionOutcome {
  deleted: string[];
  failures: { snapshot: StoredSnapshot; error: unknown }[];
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Object first, then row: a snapshot whose object could not be deleted keeps its row (so a later
 * attempt finds it), and no row is gone while its object stays. A row is deleted only if it still
 * describes the image read: a coverage object rewritten meanwhile keeps its (updated) row.
 */
export async function deleteStoredSnapshots(
  db: Database,
  snapshots: readonly StoredSnapshot[],
  deleteObject: DeleteObject,
  concurrency = OBJECT_DELETE_CONCURRENCY,
): Promise<DeletionOutcome> {
  const removed: StoredSnapshot[] = [];
  const failures: DeletionOutcome["failures"] = [];
  await eachLimited(snapshots, concurrency, async (snapshot) => {
    try {
      await deleteObject(snapshot.bucket, snapshot.key);
      removed.push(snapshot);
    } catch (error) {
      failures.push({ snapshot, error });
    }
  });
  if (removed.length === 0) return { deleted: [], failures };
  const s = snapshotsTable;
  const unchanged = sql.join(
    removed.map((r) => sql`(${r.id}::uuid, ${r.capturedAt.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const rows = await db
    .delete(s)
    .where(sql`(${s.id}, ${s.capturedAt}) in (${unchanged})`)
    .returning({ id: s.id });
  return { deleted: rows.map((r) => r.id), failures };
}

/**
 * Deletes those of `ids` that are the caller's snapshots and returns their ids; unknown ids and
 * ids of another account are simply not deleted, and so is one whose object the store would not
 * delete (try again later). An id that cannot be any snapshot's is a mistake: nothing is deleted.
 */
export async function deleteSnapshots(
  db: Database,
  viewer: Viewer | null,
  ids: readonly string[],
  deleteObject: DeleteObject,
): Promise<string[]> {
  const v = requireAdmin(viewer);
  if (ids.length > MAX_DELETE_IDS) throw badInput("ids", `at most ${MAX_DELETE_IDS} ids per call, not ${ids.length}`);
  const malformed = ids.findIndex((id) => !isUuid(id));
  if (malformed >= 0) {
    throw badInput("ids", `ids[${malformed}] "${printable(ids[malformed]!)}" cannot be a snapshot id (a UUID); nothing was deleted`);
  }
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  if (wanted.length === 0) return [];
  const s = snapshotsTable;
  const own = await db
    .select(storedSnapshotColumns)
    .from(s)
    .where(and(eq(s.accountId, v.accountId), inArray(s.id, wanted)));
  const { deleted } = await deleteStoredSnapshots(db, own, deleteObject);
  const done = new Set(deleted);
  return wanted.filter((id) => done.has(id));
}

export interface DeleteOfStreamInput {
  domain: string;
  app: string;
  stream: string;
  before: Date;
}

/**
 * Deletes the caller's snapshots of one stream captured before `before`, oldest first, in
 * batches (no long transaction), at most MAX_DELETE_OF_STREAM per call; returns how many went.
 * Another account's domain is NOT_FOUND; the caller's images of a domain group since deleted can go.
 */
export async function deleteSnapshotsOf(
  db: Database,
  viewer: Viewer | null,
  input: DeleteOfStreamInput,
  deleteObject: DeleteObject,
): Promise<number> {
  const v = requireAdmin(viewer);
  const app = assertSegmentName("app", input.app);
  const stream = assertSegmentName("stream", input.stream);
  const before = assertQueryableInstant("before", input.before);
  const domain = await assertNotAnotherAccountsDomain(db, v, input.domain);
  const s = snapshotsTable;
  let count = 0;
  let after: Cursor | null = null;
  while (count < MAX_DELETE_OF_STREAM) {
    const limit = Math.min(DELETE_BATCH, MAX_DELETE_OF_STREAM - count);
    const batch: StoredSnapshot[] = await db
      .select(storedSnapshotColumns)
      .from(s)
      .where(
        and(
          eq(s.accountId, v.accountId),
          eq(s.domain, domain),
          eq(s.appName, app),
          eq(s.streamName, stream),
          lt(s.capturedAt, before),
          keysetAfter(s.capturedAt, s.id, after, "asc"),
        ),
      )
      .orderBy(...keysetOrder(s.capturedAt, s.id, "asc"))
      .limit(limit);
    if (batch.length === 0) break;
    count += (await deleteStoredSnapshots(db, batch, deleteObject)).deleted.length;
    const last = batch[batch.length - 1]!;
    after = { at: last.capturedAt, id: last.id };
    if (batch.length < limit) break;
  }
  return count;
}
