import { index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accountsTable } from "./accounts";
import { domainGroupsTable } from "./domain-groups";

/** STANDARD: Standard Webhooks envelope and signature; JDCLOUD: JD Cloud's snapshot callback body. */
export const callbackFormatEnum = pgEnum("callback_format", ["STANDARD", "JDCLOUD"]);

/** An HTTP endpoint told about every snapshot of one push domain. */
export const snapshotCallbacksTable = pgTable(
  "snapshot_callbacks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accountsTable.id, { onDelete: "cascade" }),
    domainGroupId: uuid("domain_group_id")
      .notNull()
      .references(() => domainGroupsTable.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    format: callbackFormatEnum("format").notNull(),
    /** `whsec_<base64>`: the base64 part, decoded, keys the HMAC of each request. */
    signingSecret: text("signing_secret").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("snapshot_callbacks_account_idx").on(t.accountId, t.createdAt, t.id),
    index("snapshot_callbacks_domain_group_idx").on(t.domainGroupId),
  ],
);
export type SnapshotCallbackRow = typeof snapshotCallbacksTable.$inferSelect;
