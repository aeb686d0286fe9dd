import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accountsTable } from "./accounts";
import { domainGroupsTable } from "./domain-groups";

export const liveStreamStatusEnum = pgEnum("live_stream_status", ["LIVE", "ENDED"]);

/** The template's settings as they were when the stream was published. */
export interface FrozenTemplate {
  id: string;
  name: string;
  format: "JPG" | "PNG";
  intervalSeconds: number;
  width: number | null;
  height: number | null;
  fillMode: "STRETCH" | "PAD_BLACK" | "PAD_WHITE" | "BLUR";
  storageMode: "COVERAGE" | "SEQUENCE";
  bucket: string | null;
  /** Absent in streams published before retention existed. */
  retentionDays?: number | null;
  createdAt: string;
  updatedAt: string;
}

export const liveStreamsTable = pgTable(
  "live_streams",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Null when no account owns the push domain: recorded, never captured, listed to nobody. */
    accountId: uuid("account_id").references(() => accountsTable.id, { onDelete: "cascade" }),
    domainGroupId: uuid("domain_group_id").references(() => domainGroupsTable.id, { onDelete: "set null" }),
    domain: text("domain").notNull(),
    appName: text("app_name").notNull(),
    streamName: text("stream_name").notNull(),
    sourceId: text("source_id"),
    /** Which ingest saw the publish: embedded, nginx-rtmp, srs, mediamtx. */
    source: text("source").notNull(),
    pullUrl: text("pull_url"),
    status: liveStreamStatusEnum("status").notNull().default("LIVE"),
    template: jsonb("template").$type<FrozenTemplate>(),
    configId: uuid("config_id"),
    workerId: text("worker_id"),
    leaseUntil: timestamp("lease_until", { withTimezone: true, precision: 3 }),
    startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("live_streams_account_idx").on(t.accountId, t.startedAt, t.id),
    index("live_streams_key_idx").on(t.domain, t.appName, t.streamName, t.status),
    /** One publish of a stream is live at a time, whichever ingest saw it. */
    uniqueIndex("live_streams_one_live_idx").on(t.domain, t.appName, t.streamName).where(sql`status = 'LIVE'`),
  ],
);
export type LiveStreamRow = typeof liveStreamsTable.$inferSelect;
