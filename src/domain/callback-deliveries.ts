import { and, count, eq, inArray, lte, min, notInArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { rowsOf } from "../db/json-row";
import {
  callbackDeliveriesTable,
  snapshotCallbacksTable,
  type CallbackDeliveryRow,
  type DeliveredSnapshot,
  type SnapshotCallbackRow,
  type SnapshotRow,
} from "../db/schema";
import { notFound } from "../errors";
import { keysetAfter, keysetOrder } from "./keyset";
import { fetchPage, isUuid, type Page, type PageArgs } from "./pagination";
import { getOwnSnapshotCallback } from "./snapshot-callbacks";
import { requireAdmin, requireViewer, type Viewer } from "./viewer";

export type CallbackDeliveryStatus = CallbackDeliveryRow["status"];

/** A claimed delivery with the endpoint it goes to. */
export interface ClaimedDelivery {
  delivery: CallbackDeliveryRow;
  callback: Pick<SnapshotCallbackRow, "id" | "url" | "format" | "signingSecret">;
}

export function deliveredSnapshotOf(row: SnapshotRow): DeliveredSnapshot {
  return {
    id: row.id,
    domain: row.domain,
    appName: row.appName,
    streamName: row.streamName,
    sourceId: row.sourceId,
    key: row.key,
    bucket: row.bucket,
    format: row.format,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    capturedAt: row.capturedAt.toISOString(),
  };
}

/** One PENDING delivery, due now, for each callback of the snapshot's push domain; in one statement. */
export async function enqueueSnapshotDeliveries(db: Database, snapshot: SnapshotRow, now = new Date()): Promise<number> {
  const frozen = JSON.stringify(deliveredSnapshotOf(snapshot));
  const at = now.toISOString();
  const result = await db.execute(sql`
    insert into callback_deliveries (callback_id, snapshot_id, snapshot, next_attempt_at, retrying_since, created_at)
    select c.id, ${snapshot.id}::uuid, ${frozen}::jsonb, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
    from snapshot_callbacks c join domain_groups g on g.id = c.domain_group_id
    where g.push_domain = ${snapshot.domain} and c.account_id = ${snapshot.accountId}::uuid
    returning id`);
  return rowsOf(result).length;
}

/**
 * Takes up to `limit` due deliveries (oldest due first) that no other worker holds, skipping
 * rows locked by a concurrent claim, and pushes their next attempt past `leaseUntil`: should this
 * worker die with them, they fall due again then.
 */
export async function claimDueDeliveries(
  db: Database,
  options: { limit: number; now: Date; leaseUntil: Date; excludeCallbackIds: readonly string[] },
): Promise<ClaimedDelivery[]> {
  if (options.limit <= 0) return [];
  const d = callbackDeliveriesTable;
  const due = db
    .select({ id: d.id })
    .from(d)
    .where(
      and(
        eq(d.status, "PENDING"),
        lte(d.nextAttemptAt, options.now),
        options.excludeCallbackIds.length > 0 ? notInArray(d.callbackId, [...options.excludeCallbackIds]) : undefined,
      ),
    )
    .orderBy(d.nextAttemptAt)
    .limit(options.limit)
    .for("update", { skipLocked: true });
  const claimed = await db.update(d).set({ nextAttemptAt: options.leaseUntil }).where(inArray(d.id, due)).returning();
  if (claimed.length === 0) return [];
  const c = snapshotCallbacksTable;
  const callbacks = await db
    .select({ id: c.id, url: c.url, format: c.format, signingSecret: c.signingSecret })
    .from(c)
    .where(inArray(c.id, [...new Set(claimed.map((row) => row.callbackId))]));
  const byId = new Map(callbacks.map((cb) => [cb.id, cb]));
  return claimed.flatMap((delivery) => {
    const callback = byId.get(delivery.callbackId);
    return callback ? [{ delivery, callback }] : [];
  });
}

/** Claimed deliveries this worker will not send now: due again at once for whoever claims next. */
export async function releaseDeliveries(db: Database, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  const d = callbackDeliveriesTable;
  await db.update(d).set({ nextAttemptAt: now }).where(and(inArray(d.id, [...ids]), eq(d.status, "PENDING")));
}

export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  error: string | null;
  /** DELIVERED, PENDING again at nextAttemptAt, or DEAD. */
  status: CallbackDeliveryStatus;
  nextAttemptAt: Date | null;
}

export async function recordDeliveryAttempt(db: Database, id: string, outcome: AttemptOutcome): Promise<void> {
  await recordDeliveryAttempts(db, [{ id, ...outcome }]);
}

/** Several attempts' outcomes in one statement; a row no longer PENDING (redelivered, deleted) is left alone. */
export async function recordDeliveryAttempts(db: Database, outcomes: readonly (AttemptOutcome & { id: string })[]): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map(
    (o) =>
      sql`(${o.id}::uuid, ${o.status}::callback_delivery_status, ${o.statusCode}::integer, ${o.error}::text,
           ${(o.nextAttemptAt ?? o.at).toISOString()}::timestamptz,
           ${o.status === "DELIVERED" ? o.at.toISOString() : null}::timestamptz)`,
  );
  await db.execute(sql`
    update callback_deliveries d
    set attempts = d.attempts + 1, status = v.status, last_status_code = v.code, last_error = v.error,
        next_attempt_at = v.next, delivered_at = v.delivered
    from (values ${sql.join(rows, sql`, `)}) as v(id, status, code, error, next, delivered)
    where d.id = v.id and d.status = 'PENDING'`);
}

/** How many deliveries wait, and since when the oldest of them does. */
export async function pendingDeliveryStats(db: Database): Promise<{ depth: number; oldestCreatedAt: Date | null }> {
  const d = callbackDeliveriesTable;
  const [row] = await db.select({ depth: count(), oldest: min(d.createdAt) }).from(d).where(eq(d.status, "PENDING"));
  return { depth: row?.depth ?? 0, oldestCreatedAt: row?.oldest ?? null };
}

/** Newest first. Another account's callback is NOT_FOUND. */
export async function listCallbackDeliveries(
  db: Database,
  viewer: Viewer | null,
  args: PageArgs & { callbackId: string; status?: CallbackDeliveryStatus | null | undefined },
): Promise<Page<CallbackDeliveryRow>> {
  const v = requireViewer(viewer);
  const { callback } = await getOwnSnapshotCallback(db, v, args.callbackId, "callbackId");
  const d = callbackDeliveriesTable;
  return fetchPage(
    args,
    (after, limit) =>
      db
        .select()
        .from(d)
        .where(
          and(
            eq(d.callbackId, callback.id),
            args.status != null ? eq(d.status, args.status) : undefined,
            keysetAfter(d.createdAt, d.id, after, "desc"),
          ),
        )
        .orderBy(...keysetOrder(d.createdAt, d.id, "desc"))
        .limit(limit),
    (r) => ({ at: r.createdAt, id: r.id }),
  );
}

/**
 * Back to PENDING, due now, with a fresh run of retries; a DEAD or DELIVERED one too. Its
 * webhook-id stays, so a receiver that already has it can tell.
 */
export async function redeliverCallbackDelivery(db: Database, viewer: Viewer | null, id: string, now = new Date()): Promise<CallbackDeliveryRow> {
  const v = requireAdmin(viewer);
  if (!isUuid(id)) throw notFound("callback delivery", "deliveryId");
  const d = callbackDeliveriesTable;
  const own = db
    .select({ id: snapshotCallbacksTable.id })
    .from(snapshotCallbacksTable)
    .where(eq(snapshotCallbacksTable.accountId, v.accountId));
  const [row] = await db
    .update(d)
    .set({ status: "PENDING", nextAttemptAt: now, retryingSince: now, deliveredAt: null })
    .where(and(eq(d.id, id), inArray(d.callbackId, own)))
    .returning();
  if (!row) throw notFound("callback delivery", "deliveryId");
  return row;
}
