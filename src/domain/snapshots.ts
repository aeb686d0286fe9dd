import { and, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { snapshotsTable, type SnapshotRow } from "../db/schema";
import { badInput } from "../errors";
import { keysetAfter, keysetOrder } from "./keyset";
import { assertDomain, assertSegmentName } from "./names";
import { notFound } from "../errors";
import { fetchPage, isUuid, type Page, type PageArgs } from "./pagination";
import { assertQueryableInstant } from "./timestamps";
import { requireViewer, type Viewer } from "./viewer";

export interface SnapshotQuery extends PageArgs {
  domain: string;
  app?: string | null | undefined;
  stream?: string | null | undefined;
  from?: Date | null | undefined;
  to?: Date | null | undefined;
}

/** Newest first. Another account's snapshots are never listed. */
export async function listSnapshots(db: Database, viewer: Viewer | null, query: SnapshotQuery): Promise<Page<SnapshotRow>> {
  const v = requireViewer(viewer);
  const domain = assertDomain("domain", query.domain);
  const app = query.app != null ? assertSegmentName("app", query.app) : undefined;
  const stream = query.stream != null ? assertSegmentName("stream", query.stream) : undefined;
  if (stream && !app) throw badInput("app", "filtering by stream needs app as well");
  const from = query.from ? assertQueryableInstant("from", query.from) : undefined;
  const to = query.to ? assertQueryableInstant("to", query.to) : undefined;
  if (from && to && from > to) throw badInput("from", "from must not be after to");
  const s = snapshotsTable;
  return fetchPage(
    query,
    (after, limit) =>
      db
        .select()
        .from(s)
        .where(
          and(
            eq(s.accountId, v.accountId),
            eq(s.domain, domain),
            app ? eq(s.appName, app) : undefined,
            stream ? eq(s.streamName, stream) : undefined,
            from ? gte(s.capturedAt, from) : undefined,
            to ? lte(s.capturedAt, to) : undefined,
            keysetAfter(s.capturedAt, s.id, after, "desc"),
          ),
        )
        .orderBy(...keysetOrder(s.capturedAt, s.id, "desc"))
        .limit(limit),
    (r) => ({ at: r.capturedAt, id: r.id }),
  );
}

/** One of the caller's snapshots; null when unknown or another account's. */
export async function getSnapshot(db: Database, viewer: Viewer | null, id: string): Promise<SnapshotRow | null> {
  const v = requireViewer(viewer);
  // As snapshotTemplate(id): an id no row could ever have is named, one merely gone is null.
  if (!isUuid(id)) throw notFound("snapshot", "id");
  const s = snapshotsTable;
  const [row] = await db.select().from(s).where(and(eq(s.id, id), eq(s.accountId, v.accountId)));
  return row ?? null;
}

/** The newest snapshot of each of these live streams, in one query. */
export async function latestSnapshotsOf(db: Database, liveStreamIds: readonly string[]): Promise<Map<string, SnapshotRow>> {
  if (liveStreamIds.length === 0) return new Map();
  const s = snapshotsTable;
  const rows = await db
    .selectDistinctOn([s.liveStreamId])
    .from(s)
    .where(inArray(s.liveStreamId, [...liveStreamIds]))
    .orderBy(s.liveStreamId, sql`${s.capturedAt} desc`);
  return new Map(rows.map((r) => [r.liveStreamId!, r]));
}
