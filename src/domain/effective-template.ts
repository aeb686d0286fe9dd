import { sql } from "drizzle-orm";
import { rowFromJson } from "../db/json-row";
import type { Database } from "../db/client";
import { domainGroupsTable, snapshotConfigsTable, snapshotTemplatesTable } from "../db/schema";
import { assertDomain, assertSegmentName } from "./names";
import type { SnapshotConfigView } from "./snapshot-configs";
import { requireViewer, type Viewer } from "./viewer";

export interface EffectiveTemplate extends SnapshotConfigView {
  level: "DOMAIN" | "APP" | "STREAM";
}

/**
 * STREAM binding, else APP, else DOMAIN, else null — in one indexed query, run by the
 * `livesnap_effective_binding` function (drizzle/0001_effective_template_function.sql): the
 * three candidate scopes are looked up in the (domain group, app, stream) unique index and the
 * most specific level wins (the enum orders DOMAIN < APP < STREAM). Being PL/pgSQL, its plan is
 * made once per connection; planning the join on every call cost more than running it.
 */
function bindingQuery(db: Database) {
  return db
    .select({
      config: sql<Record<string, unknown>>`config`,
      domainGroup: sql<Record<string, unknown>>`domain_group`,
      template: sql<Record<string, unknown>>`template`,
    })
    .from(
      sql`livesnap_effective_binding(${sql.placeholder("domain")}, ${sql.placeholder("app")}, ${sql.placeholder("stream")}, ${sql.placeholder("accountId")}::uuid)`,
    )
    .prepare("livesnap_effective_binding");
}

/** Prepared once per database handle: PostgreSQL then neither parses nor plans the call again. */
const prepared = new WeakMap<Database, ReturnType<typeof bindingQuery>>();

async function resolve(
  db: Database,
  domain: string,
  app: string,
  stream: string,
  accountId: string | null,
): Promise<EffectiveTemplate | null> {
  let query = prepared.get(db);
  if (!query) prepared.set(db, (query = bindingQuery(db)));
  const [row] = await query.execute({ domain, app, stream, accountId });
  if (!row) return null;
  const config = rowFromJson(snapshotConfigsTable, row.config);
  return {
    config,
    domainGroup: rowFromJson(domainGroupsTable, row.domainGroup),
    template: rowFromJson(snapshotTemplatesTable, row.template),
    level: config.level,
  };
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
