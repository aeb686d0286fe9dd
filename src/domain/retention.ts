import { and, eq, isNotNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { liveStreamsTable, snapshotsTable, snapshotTemplatesTable } from "../db/schema";
import { keysetAfter, keysetOrder } from "./keyset";
import type { Cursor } from "./pagination";
import { storedSnapshotColumns, type StoredSnapshot } from "./snapshot-deletion";

const DAY_MS = 86_400_000;

/** Images captured before this instant are past a retention of `days` days at `now`. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

export interface RetainingTemplate {
  id: string;
  retentionDays: number;
}

/** Every template, of any account, that keeps its images for a limited time. */
export async function templatesWithRetention(db: Database): Promise<RetainingTemplate[]> {
  const t = snapshotTemplatesTable;
  const rows = await db
    .select({ id: t.id, retentionDays: t.retentionDays })
    .from(t)
    .where(isNotNull(t.retentionDays))
    .orderBy(t.id);
  return rows.map((r) => ({ id: r.id, retentionDays: r.retentionDays! }));
}

/**
 * The next images of one template captured before `cutoff`, oldest first after `after`, that
 * retention may delete: every SEQUENCE image, and a COVERAGE object once the stream that wrote
 * it last has ended (while it is live, capture may be rewriting that very object).
 */
export async function expiredSnapshots(
  db: Database,
  query: { templateId: string; cutoff: Date; after: Cursor | null; limit: number },
): Promise<StoredSnapshot[]> {
  const s = snapshotsTable;
  const ls = liveStreamsTable;
  return db
    .select(storedSnapshotColumns)
    .from(s)
    .innerJoin(ls, eq(ls.id, s.liveStreamId))
    .where(
      and(
        eq(s.templateId, query.templateId),
        lt(s.capturedAt, query.cutoff),
        keysetAfter(s.capturedAt, s.id, query.after, "asc"),
        or(sql`${ls.template}->>'storageMode' = 'SEQUENCE'`, eq(ls.status, "ENDED")),
      ),
    )
    .orderBy(...keysetOrder(s.capturedAt, s.id, "asc"))
    .limit(query.limit);
}
