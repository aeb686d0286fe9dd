import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { snapshotCallbacksTable } from "./snapshot-callbacks";

export const callbackDeliveryStatusEnum = pgEnum("callback_delivery_status", ["PENDING", "DELIVERED", "DEAD"]);

/** The snapshot as it was recorded: a COVERAGE row is rewritten by the next image, the event is not. */
export interface DeliveredSnapshot {
  id: string;
  domain: string;
  appName: string;
  streamName: string;
  sourceId: string;
  key: string;
  bucket: string;
  format: "JPG" | "PNG";
  width: number;
  height: number;
  bytes: number;
  capturedAt: string;
}

/**
 * The outbox: one row per (snapshot event, callback), written right after the snapshot is
 * recorded and worked off by the delivery worker. A PENDING row is due at next_attempt_at; a
 * worker that claims one pushes next_attempt_at past the request, so a crashed worker's claim
 * falls due again instead of being lost.
 */
export const callbackDeliveriesTable = pgTable(
  "callback_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    callbackId: uuid("callback_id")
      .notNull()
      .references(() => snapshotCallbacksTable.id, { onDelete: "cascade" }),
    /** `webhook-id`: the same on every attempt, so receivers can drop repeats. */
    webhookId: text("webhook_id")
      .notNull()
      .unique()
      .default(sql`('msg_' || replace(gen_random_uuid()::text, '-', ''))`),
    snapshotId: uuid("snapshot_id").notNull(),
    snapshot: jsonb("snapshot").$type<DeliveredSnapshot>().notNull(),
    status: callbackDeliveryStatusEnum("status").notNull().default("PENDING"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Start of the current run of retries (creation, or the last redelivery): they end a while after it. */
    retryingSince: timestamp("retrying_since", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("callback_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'PENDING'`),
    index("callback_deliveries_listing_idx").on(t.callbackId, t.createdAt, t.id),
  ],
);
export type CallbackDeliveryRow = typeof callbackDeliveriesTable.$inferSelect;
