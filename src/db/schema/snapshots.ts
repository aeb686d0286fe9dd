import { bigint, index, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { accountsTable } from "./accounts";
import { snapshotFormatEnum } from "./snapshot-templates";

export const snapshotsTable = pgTable(
  "snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accountsTable.id, { onDelete: "cascade" }),
    liveStreamId: uuid("live_stream_id"),
    /** The template that took it (as frozen in its live stream): its retention applies, as it is now. */
    templateId: uuid("template_id"),
    domain: text("domain").notNull(),
    appName: text("app_name").notNull(),
    streamName: text("stream_name").notNull(),
    sourceId: text("source_id").notNull(),
    bucket: text("bucket").notNull(),
    key: text("key").notNull(),
    format: snapshotFormatEnum("format").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    capturedAt: timestamp("captured_at", { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    /** Coverage mode rewrites one object, so one row per stored object. */
    unique("snapshots_object_key").on(t.bucket, t.key),
    index("snapshots_listing_idx").on(t.accountId, t.domain, t.capturedAt, t.id),
    index("snapshots_stream_idx").on(t.accountId, t.domain, t.appName, t.streamName, t.capturedAt),
    /** The retention sweep walks one template's images oldest first. */
    index("snapshots_retention_idx").on(t.templateId, t.capturedAt, t.id),
    /** snapshotStats reads a domain's time range from the index alone, app and stream filtered in it. */
    index("snapshots_stats_idx").on(t.accountId, t.domain, t.capturedAt, t.appName, t.streamName, t.bytes),
  ],
);
export type SnapshotRow = typeof snapshotsTable.$inferSelect;
