import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { domainGroupsTable, snapshotConfigsTable, snapshotTemplatesTable } from "../db/schema";
import { assertDomain, assertSegmentName } from "./names";
import type { SnapshotConfigView } from "./snapshot-configs";
import { requireViewer, type Viewer } from "./viewer";

export interface EffectiveTemplate extends SnapshotConfigView {
  level: "DOMAIN" | "APP" | "STREAM";
}

/** "ALL" is stored as the empty string; see the snapshot_configs table. */
const ALL = "";

/**
 * STREAM binding, else APP, else DOMAIN, else null — in one indexed query: the candidate scopes
 * are looked up in the (domain group, app, stream) unique index and the most specific level
 * wins (the enum orders DOMAIN < APP < STREAM).
 *
 * The IN lists are what let PostgreSQL probe the unique index with all three columns; the OR
 * alone only reaches its domain group prefix, so every binding of the domain was read and
 * filtered. The OR stays as the exact definition of the three scopes.
 */
function resolutionQuery(db: Database, byAccount: boolean) {
  const c = snapshotConfigsTable;
  const app = sql.placeholder("app");
  const stream = sql.placeholder("stream");
  return db
    .select({ config: c, domainGroup: domainGroupsTable, template: snapshotTemplatesTable })
    .from(domainGroupsTable)
    .innerJoin(c, eq(c.domainGroupId, domainGroupsTable.id))
    .innerJoin(snapshotTemplatesTable, eq(snapshotTemplatesTable.id, c.templateId))
    .where(
      and(
        eq(domainGroupsTable.pushDomain, sql.placeholder("domain")),
        byAccount ? eq(domainGroupsTable.accountId, sql.placeholder("accountId")) : undefined,
        inArray(c.appName, [app, ALL]),
        inArray(c.streamName, [stream, ALL]),
        or(
          and(eq(c.appName, app), eq(c.streamName, stream)),
          and(eq(c.appName, app), eq(c.streamName, ALL)),
          and(eq(c.appName, ALL), eq(c.streamName, ALL)),
        ),
      ),
    )
    .orderBy(desc(c.level))
    .limit(1)
    .prepare(byAccount ? "effective_template_of_account" : "effective_template");
}

type ResolutionQuery = ReturnType<typeof resolutionQuery>;

/**
 * Built once per database handle rather than per call: building the SQL showed in profiles,
 * and the PostgreSQL driver sends unprepared parameterised queries as two round trips and
 * plans them every time.
 */
const prepared = new WeakMap<Database, { byAccount?: ResolutionQuery; any?: ResolutionQuery }>();

function preparedResolution(db: Database, byAccount: boolean): ResolutionQuery {
  let entry = prepared.get(db);
  if (!entry) prepared.set(db, (entry = {}));
  const key = byAccount ? "byAccount" : "any";
  return (entry[key] ??= resolutionQuery(db, byAccount));
}

async function resolve(
  db: Database,
  domain: string,
  app: string,
  stream: string,
  accountId: string | null,
): Promise<EffectiveTemplate | null> {
  const query = preparedResolution(db, accountId !== null);
  const [row] = await query.execute({ domain, app, stream, ...(accountId === null ? {} : { accountId }) });
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
