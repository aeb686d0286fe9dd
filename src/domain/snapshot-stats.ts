import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { snapshotsTable } from "../db/schema";
import { badInput } from "../errors";
import { assertNotAnotherAccountsDomain } from "./domain-groups";
import { assertSegmentName } from "./names";
import { assertQueryableInstant } from "./timestamps";
import { requireViewer, type Viewer } from "./viewer";

export const STATS_BUCKETS = ["HOUR", "DAY"] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

/** How far one series may reach: about a month of hours, about ten years of days. */
export const MAX_STATS_SPAN_DAYS: Record<StatsBucket, number> = { HOUR: 31, DAY: 3660 };
const DAY_MS = 86_400_000;

export interface SnapshotStat {
  /** The bucket's first instant, on a UTC hour or day boundary. */
  start: Date;
  count: number;
  bytes: number;
}

export interface SnapshotStatsQuery {
  domain: string;
  app?: string | null | undefined;
  stream?: string | null | undefined;
  from: Date;
  to: Date;
  bucket: StatsBucket;
}

/** [from, to) must be a non-empty range of queryable instants no longer than the bucket allows. */
export function assertStatsRange(from: Date, to: Date, bucket: StatsBucket): void {
  assertQueryableInstant("from", from);
  assertQueryableInstant("to", to);
  if (!STATS_BUCKETS.includes(bucket)) throw badInput("bucket", "bucket must be HOUR or DAY");
  if (to.getTime() <= from.getTime()) throw badInput("to", "to must be after from");
  const maxDays = MAX_STATS_SPAN_DAYS[bucket];
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw badInput("to", `a series by ${bucket} spans at most ${maxDays} days from \`from\` to \`to\``);
  }
}

/**
 * Count and bytes of the caller's snapshots per UTC hour or day in [from, to), oldest first;
 * only buckets that have snapshots are listed. Another account's domain is NOT_FOUND; a domain
 * no account has any more still shows the caller's images there.
 */
export async function snapshotStats(db: Database, viewer: Viewer | null, query: SnapshotStatsQuery): Promise<SnapshotStat[]> {
  const v = requireViewer(viewer);
  const app = query.app != null ? assertSegmentName("app", query.app) : undefined;
  const stream = query.stream != null ? assertSegmentName("stream", query.stream) : undefined;
  if (stream && !app) throw badInput("app", "filtering by stream needs app as well");
  assertStatsRange(query.from, query.to, query.bucket);
  const domain = await assertNotAnotherAccountsDomain(db, v, query.domain);
  const s = snapshotsTable;
  const unit = sql.raw(query.bucket === "HOUR" ? "'hour'" : "'day'");
  // The three-argument date_trunc cuts at UTC boundaries whatever the session's time zone.
  const start = sql`date_trunc(${unit}, ${s.capturedAt}, 'UTC')`;
  const rows = await db
    .select({
      start: start.mapWith(s.capturedAt),
      count: sql<number>`count(*)::int`.mapWith(Number),
      bytes: sql<number>`sum(${s.bytes})::float8`.mapWith(Number),
    })
    .from(s)
    .where(
      and(
        eq(s.accountId, v.accountId),
        eq(s.domain, domain),
        app ? eq(s.appName, app) : undefined,
        stream ? eq(s.streamName, stream) : undefined,
        gte(s.capturedAt, query.from),
        lt(s.capturedAt, query.to),
      ),
    )
    .groupBy(start)
    .orderBy(start);
  return rows;
}
