import { index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accountsTable } from "./accounts";

/** REQUIRED: a publish must carry a valid auth_key; OFF: any publish to the domain is accepted. */
export const pushAuthModeEnum = pgEnum("push_auth_mode", ["REQUIRED", "OFF"]);

export const domainGroupsTable = pgTable(
  "domain_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accountsTable.id, { onDelete: "cascade" }),
    /** A push domain belongs to exactly one account. */
    pushDomain: text("push_domain").notNull().unique(),
    playDomain: text("play_domain").notNull(),
    sourceId: text("source_id").notNull().unique(),
    pushAuth: pushAuthModeEnum("push_auth").notNull().default("REQUIRED"),
    /** Signing keys of publish URLs; either one is accepted, rotation moves primary to backup. */
    pushAuthPrimaryKey: text("push_auth_primary_key").notNull(),
    pushAuthBackupKey: text("push_auth_backup_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("domain_groups_account_idx").on(t.accountId, t.createdAt, t.id)],
);
export type DomainGroupRow = typeof domainGroupsTable.$inferSelect;
