import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accountsTable } from "./accounts";

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
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("domain_groups_account_idx").on(t.accountId, t.createdAt, t.id)],
);
export type DomainGroupRow = typeof domainGroupsTable.$inferSelect;
