import { index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { accountsTable } from "./accounts";

export const snapshotFormatEnum = pgEnum("snapshot_format", ["JPG", "PNG"]);
export const fillModeEnum = pgEnum("fill_mode", ["STRETCH", "PAD_BLACK", "PAD_WHITE", "BLUR"]);
export const storageModeEnum = pgEnum("storage_mode", ["COVERAGE", "SEQUENCE"]);

export const snapshotTemplatesTable = pgTable(
  "snapshot_templates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accountsTable.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    format: snapshotFormatEnum("format").notNull(),
    intervalSeconds: integer("interval_seconds").notNull(),
    width: integer("width"),
    height: integer("height"),
    fillMode: fillModeEnum("fill_mode").notNull().default("STRETCH"),
    storageMode: storageModeEnum("storage_mode").notNull(),
    bucket: text("bucket"),
    /** Days a snapshot by this template is kept; null: until deleted. */
    retentionDays: integer("retention_days"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    unique("snapshot_templates_account_name_key").on(t.accountId, t.name),
    index("snapshot_templates_account_idx").on(t.accountId, t.createdAt, t.id),
  ],
);
export type SnapshotTemplateRow = typeof snapshotTemplatesTable.$inferSelect;
