import { index, pgEnum, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { accountsTable } from "./accounts";
import { domainGroupsTable } from "./domain-groups";
import { snapshotTemplatesTable } from "./snapshot-templates";

export const bindingLevelEnum = pgEnum("binding_level", ["DOMAIN", "APP", "STREAM"]);

/**
 * A binding of a template to a scope. "ALL" is stored as the empty string, which no valid
 * app or stream name can be, so that one unique index covers every scope and resolution is
 * a single index lookup of three keys.
 */
export const snapshotConfigsTable = pgTable(
  "snapshot_configs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accountsTable.id, { onDelete: "cascade" }),
    domainGroupId: uuid("domain_group_id")
      .notNull()
      .references(() => domainGroupsTable.id, { onDelete: "restrict" }),
    appName: text("app_name").notNull(),
    streamName: text("stream_name").notNull(),
    level: bindingLevelEnum("level").notNull(),
    templateId: uuid("template_id")
      .notNull()
      .references(() => snapshotTemplatesTable.id, { onDelete: "restrict" }),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    unique("snapshot_configs_scope_key").on(t.domainGroupId, t.appName, t.streamName),
    index("snapshot_configs_account_idx").on(t.accountId, t.createdAt, t.id),
    index("snapshot_configs_template_idx").on(t.templateId),
  ],
);
export type SnapshotConfigRow = typeof snapshotConfigsTable.$inferSelect;
