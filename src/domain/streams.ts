import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { liveStreamsTable, snapshotsTable, type FrozenTemplate, type LiveStreamRow, type SnapshotRow, type SnapshotTemplateRow } from "../db/schema";
import { findDomainGroupByPushDomain } from "./domain-groups";
import { resolveEffectiveTemplateForPublish } from "./effective-template";

export interface StreamKey {
  domain: string;
  app: string;
  stream: string;
}

export function freezeTemplate(t: SnapshotTemplateRow): FrozenTemplate {
  return {
    id: t.id,
    name: t.name,
    format: t.format,
    intervalSeconds: t.intervalSeconds,
    width: t.width,
    height: t.height,
    fillMode: t.fillMode,
    storageMode: t.storageMode,
    bucket: t.bucket,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

const isLive = (key: StreamKey) =>
  and(
    eq(liveStreamsTable.domain, key.domain),
    eq(liveStreamsTable.appName, key.app),
    eq(liveStreamsTable.streamName, key.stream),
    eq(liveStreamsTable.status, "LIVE"),
  );

/**
 * Records a publish with the effective template frozen as it is now. A stream that was still
 * LIVE under the same name (its unpublish was lost) is ended first. Never refuses: a publish
 * without a template or without an owning account is recorded and simply not captured.
 */
export async function openLiveStream(
  db: Database,
  input: StreamKey & { source: string; pullUrl: string; workerId: string; leaseUntil: Date },
): Promise<{ stream: LiveStreamRow; replaced: string[] }> {
  const effective = await resolveEffectiveTemplateForPublish(db, input);
  const group = effective?.domainGroup ?? (await findDomainGroupByPushDomain(db, input.domain));
  return db.transaction(async (tx) => {
    const replaced = await tx
      .update(liveStreamsTable)
      .set({ status: "ENDED", endedAt: new Date(), workerId: null, leaseUntil: null })
      .where(isLive(input))
      .returning({ id: liveStreamsTable.id });
    const [stream] = await tx
      .insert(liveStreamsTable)
      .values({
        accountId: group?.accountId ?? null,
        domainGroupId: group?.id ?? null,
        domain: input.domain,
        appName: input.app,
        streamName: input.stream,
        sourceId: group?.sourceId ?? null,
        source: input.source,
        pullUrl: input.pullUrl,
        template: effective ? freezeTemplate(effective.template) : null,
        configId: effective?.config.id ?? null,
        workerId: effective ? input.workerId : null,
        leaseUntil: effective ? input.leaseUntil : null,
      })
      .returning();
    return { stream: stream!, replaced: replaced.map((r) => r.id) };
  });
}

/** Ends the LIVE publish of this stream, if any; returns the ids ended. */
export async function closeLiveStream(db: Database, key: StreamKey): Promise<string[]> {
  const rows = await db
    .update(liveStreamsTable)
    .set({ status: "ENDED", endedAt: new Date(), workerId: null, leaseUntil: null })
    .where(isLive(key))
    .returning({ id: liveStreamsTable.id });
  return rows.map((r) => r.id);
}

export async function endLiveStreams(db: Database, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(liveStreamsTable)
    .set({ status: "ENDED", endedAt: new Date(), workerId: null, leaseUntil: null })
    .where(and(inArray(liveStreamsTable.id, ids), eq(liveStreamsTable.status, "LIVE")));
}

/** Keeps this worker's claim on the streams it captures. */
export async function renewLeases(db: Database, workerId: string, ids: string[], leaseUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(liveStreamsTable)
    .set({ leaseUntil })
    .where(and(inArray(liveStreamsTable.id, ids), eq(liveStreamsTable.workerId, workerId)));
}

/**
 * LIVE streams no worker holds any more (a previous process died): claimed for this worker so
 * that it settles them, ending each or capturing it again.
 */
export async function claimOrphanedStreams(db: Database, workerId: string, leaseUntil: Date, now = new Date()): Promise<LiveStreamRow[]> {
  return db
    .update(liveStreamsTable)
    .set({ workerId, leaseUntil })
    .where(
      and(
        eq(liveStreamsTable.status, "LIVE"),
        or(isNull(liveStreamsTable.leaseUntil), lt(liveStreamsTable.leaseUntil, now)),
      ),
    )
    .returning();
}

/** One row per stored object: coverage mode rewrites its key, so its row is updated in place. */
export async function recordSnapshot(db: Database, snapshot: typeof snapshotsTable.$inferInsert): Promise<SnapshotRow> {
  const [row] = await db
    .insert(snapshotsTable)
    .values(snapshot)
    .onConflictDoUpdate({
      target: [snapshotsTable.bucket, snapshotsTable.key],
      set: {
        liveStreamId: sql`excluded.live_stream_id`,
        width: sql`excluded.width`,
        height: sql`excluded.height`,
        bytes: sql`excluded.bytes`,
        capturedAt: sql`excluded.captured_at`,
      },
    })
    .returning();
  return row!;
}
