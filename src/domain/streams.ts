import { and, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { liveStreamsTable, snapshotsTable, type FrozenTemplate, type LiveStreamRow, type SnapshotRow, type SnapshotTemplateRow } from "../db/schema";
import { findDomainGroupByPushDomain } from "./domain-groups";
import { resolveEffectiveTemplateForPublish } from "./effective-template";
import { instancePrefix, type StreamOwner } from "./workers";

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
    retentionDays: t.retentionDays,
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

const ENDED = () => ({ status: "ENDED" as const, endedAt: new Date(), workerId: null, leaseUntil: null });

/**
 * A LIVE row whose holder is provably gone: its lease ran out (or it never had one), or an earlier
 * run of this same instance held it, whose process has ended. Rows of another instance with a
 * running lease are its to settle, whatever this process thinks of them.
 */
const ownerIsGone = (owner: StreamOwner, now: Date) =>
  or(
    isNull(liveStreamsTable.leaseUntil),
    lt(liveStreamsTable.leaseUntil, now),
    and(
      sql`starts_with(${liveStreamsTable.workerId}, ${instancePrefix(owner.instanceId)})`,
      ne(liveStreamsTable.workerId, owner.workerId),
    ),
  );

export type OpenedLiveStream =
  | { status: "opened"; stream: LiveStreamRow; settled: string[] }
  | { status: "already_live"; holder: LiveStreamRow; settled: string[] };

/** Inserting, settling a gone holder, reading the holder: each step can lose a race to another publish. */
const OPEN_ATTEMPTS = 3;

/**
 * Records a publish with the effective template frozen as it is now, held by `owner` with a lease
 * (also when nothing will capture it, so that a lost unpublish cannot block the name forever).
 * The unique index on LIVE rows decides between concurrent publishes: exactly one is opened, the
 * others find the stream already live. A LIVE row whose holder is gone is ended first (`settled`);
 * one with a live holder is left untouched.
 */
export async function openLiveStream(
  db: Database,
  input: StreamKey & { source: string; pullUrl: string; owner: StreamOwner; leaseUntil: Date },
  now = new Date(),
): Promise<OpenedLiveStream> {
  const effective = await resolveEffectiveTemplateForPublish(db, input);
  const group = effective?.domainGroup ?? (await findDomainGroupByPushDomain(db, input.domain));
  const values = {
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
    workerId: input.owner.workerId,
    leaseUntil: input.leaseUntil,
  };
  const settled: string[] = [];
  for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
    const [stream] = await db
      .insert(liveStreamsTable)
      .values(values)
      .onConflictDoNothing({
        target: [liveStreamsTable.domain, liveStreamsTable.appName, liveStreamsTable.streamName],
        where: sql`status = 'LIVE'`,
      })
      .returning();
    if (stream) return { status: "opened", stream, settled };
    const gone = await db
      .update(liveStreamsTable)
      .set(ENDED())
      .where(and(isLive(input), ownerIsGone(input.owner, now)))
      .returning({ id: liveStreamsTable.id });
    if (gone.length > 0) {
      settled.push(...gone.map((r) => r.id));
      continue;
    }
    const [holder] = await db.select().from(liveStreamsTable).where(isLive(input));
    if (holder) return { status: "already_live", holder, settled };
  }
  throw new Error(`could not record the publish of ${input.app}/${input.stream} on ${input.domain}: its LIVE row kept changing`);
}

/**
 * Ends the LIVE publish of this stream that this ingest reported, if any; returns the ids ended.
 * `workerId` narrows it to rows one worker holds (an embedded publish lives in one process only).
 */
export async function closeLiveStream(
  db: Database,
  key: StreamKey & { source: string; workerId?: string | undefined },
): Promise<string[]> {
  const rows = await db
    .update(liveStreamsTable)
    .set(ENDED())
    .where(
      and(
        isLive(key),
        eq(liveStreamsTable.source, key.source),
        key.workerId === undefined ? undefined : eq(liveStreamsTable.workerId, key.workerId),
      ),
    )
    .returning({ id: liveStreamsTable.id });
  return rows.map((r) => r.id);
}

/** Ends those of the ids this worker still holds; returns the ids ended. */
export async function endHeldLiveStreams(db: Database, workerId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(liveStreamsTable)
    .set(ENDED())
    .where(and(inArray(liveStreamsTable.id, ids), eq(liveStreamsTable.status, "LIVE"), eq(liveStreamsTable.workerId, workerId)))
    .returning({ id: liveStreamsTable.id });
  return rows.map((r) => r.id);
}

/**
 * Extends this worker's claim on the LIVE rows it holds; returns the ids it still holds. The
 * others were ended or taken over meanwhile: the caller must stop working on them.
 */
export async function renewLeases(db: Database, workerId: string, ids: string[], leaseUntil: Date): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(liveStreamsTable)
    .set({ leaseUntil })
    .where(and(inArray(liveStreamsTable.id, ids), eq(liveStreamsTable.status, "LIVE"), eq(liveStreamsTable.workerId, workerId)))
    .returning({ id: liveStreamsTable.id });
  return rows.map((r) => r.id);
}

/**
 * LIVE rows whose holder is gone (an earlier run of this instance, or any worker whose lease ran
 * out), claimed for `owner` so that it settles them: ending each or capturing it again.
 */
export async function claimAbandonedStreams(
  db: Database,
  owner: StreamOwner,
  leaseUntil: Date,
  now = new Date(),
): Promise<LiveStreamRow[]> {
  return db
    .update(liveStreamsTable)
    .set({ workerId: owner.workerId, leaseUntil })
    .where(and(eq(liveStreamsTable.status, "LIVE"), ownerIsGone(owner, now)))
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
        templateId: sql`excluded.template_id`,
        width: sql`excluded.width`,
        height: sql`excluded.height`,
        bytes: sql`excluded.bytes`,
        capturedAt: sql`excluded.captured_at`,
      },
    })
    .returning();
  return row!;
}
