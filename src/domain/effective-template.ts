import { and, desc, eq, or } from "drizzle-orm";
import type { Database } from "../db/client";
import { domainGroupsTable, snapshotConfigsTable, snapshotTemplatesTable } from "../db/schema";
import { assertDomain, assertSegmentName } from "./names";
import type { SnapshotConfigView } from "./snapshot-configs";
import { requireViewer, type Viewer } from "./viewer";

export interface EffectiveTemplate extends SnapshotConfigView {
  level: "DOMAIN" | "APP" | "STREAM";
}

/**
 * STREAM binding, else APP, else DOMAIN, else null — in one indexed query: the three candidate
 * scopes are looked up in the (domain group, app, stream) unique index and the most specific
 * level wins (the enum orders DOMAIN < APP < STREAM).
 */
async function resolve(
  db: Database,
  domain: string,
  app: string,
  stream: string,
  accountId: string | null,
): Promise<EffectiveTemplate | null> {
  const c = snapshotConfigsTable;
  const [row] = await db
    .select({ config: c, domainGroup: domainGroupsTable, template: snapshotTemplatesTable })
    .from(domainGroupsTable)
    .innerJoin(c, eq(c.domainGroupId, domainGroupsTable.id))
    .innerJoin(snapshotTemplatesTable, eq(snapshotTemplatesTable.id, c.templateId))
    .where(
      and(
        eq(domainGroupsTable.pushDomain, domain),
        accountId === null ? undefined : eq(domainGroupsTable.accountId, accountId),
        or(
          and(eq(c.appName, app), eq(c.streamName, stream)),
          and(eq(c.appName, app), eq(c.streamName, "")),
          and(eq(c.appName, ""), eq(c.streamName, "")),
        ),
      ),
    )
    .orderBy(desc(c.level))
    .limit(1);
  return row ? { ...row, level: row.config.level } : null;
}

/** What a publish of (domain, app, stream) by this account's customers would be captured with. */
export async function resolveEffectiveTemplate(
  db: Database,
  viewer: Viewer | null,
  input: { domain: string; app: string; stream: string },
): Promise<EffectiveTemplate | null> {
  const v = requireViewer(viewer);
  const domain = assertDomain("domain", input.domain);
  const app = assertSegmentName("app", input.app);
  const stream = assertSegmentName("stream", input.stream);
  return resolve(db, domain, app, stream, v.accountId);
}

/** For ingest: names are already validated, and the owner of the domain is whoever it is. */
export function resolveEffectiveTemplateForPublish(
  db: Database,
  input: { domain: string; app: string; stream: string },
): Promise<EffectiveTemplate | null> {
  return resolve(db, input.domain, input.app, input.stream, null);
}
