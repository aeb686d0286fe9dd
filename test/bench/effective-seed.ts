import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import {
  domainGroupsTable,
  snapshotConfigsTable,
  snapshotTemplatesTable,
} from "../../src/db/schema";
import { issueTokenForAccount } from "../../src/domain/api-tokens";
import type { Viewer } from "../../src/domain/viewer";

/**
 * The bench data set: one account, DOMAINS domain groups, TEMPLATES templates and exactly
 * BINDINGS_PER_DOMAIN bindings per domain group (DOMAINS × BINDINGS_PER_DOMAIN in all).
 *
 * Domain d (push domain `d<d>.bench.example.com`) has
 *  - STREAM bindings for app0..app9 × s0..s8 (90),
 *  - APP bindings for app0..app8 (9),
 *  - a DOMAIN binding when d % 4 != 0, else one more STREAM binding app9/s9.
 * Which template a binding uses is a pure function of its scope, so the expected answer of
 * any (domain, app, stream) is known without asking the database.
 */
export const DOMAINS = 1_000;
export const TEMPLATES = 100;
export const BINDINGS_PER_DOMAIN = 100;
export const BINDINGS = DOMAINS * BINDINGS_PER_DOMAIN;
const ACCOUNT = "bench";

export const pushDomain = (d: number) => `d${d}.bench.example.com`;
const hasDomainBinding = (d: number) => d % 4 !== 0;

/** Deterministic spread of templates over scopes. */
function templateIndex(d: number, app: number | null, stream: number | null): number {
  const a = app === null ? 97 : app;
  const s = stream === null ? 89 : stream;
  return (d * 31 + a * 7 + s * 13) % TEMPLATES;
}
export const templateName = (i: number) => `bench-tpl-${i}`;

export type Level = "DOMAIN" | "APP" | "STREAM";
export interface Expected {
  level: Level;
  template: string;
}

/** The effective template by the precedence rule, from the data set's definition. */
export function expectedFor(d: number, app: number, stream: number): Expected | null {
  if (d < 0 || d >= DOMAINS) return null;
  const streamBound = (app <= 9 && stream <= 8) || (!hasDomainBinding(d) && app === 9 && stream === 9);
  if (streamBound) return { level: "STREAM", template: templateName(templateIndex(d, app, stream)) };
  if (app <= 8) return { level: "APP", template: templateName(templateIndex(d, app, null)) };
  if (hasDomainBinding(d)) return { level: "DOMAIN", template: templateName(templateIndex(d, null, null)) };
  return null;
}

export interface Seeded {
  token: string;
  viewer: Viewer;
  bindings: number;
  seconds: number;
}

/** Bulk-inserts the data set into a migrated, empty database. */
export async function seed(db: Database): Promise<Seeded> {
  const started = performance.now();
  const { token, apiToken } = await issueTokenForAccount(db, ACCOUNT, "ADMIN");
  const accountId = apiToken.accountId;

  await db
    .insert(snapshotTemplatesTable)
    .values(
      Array.from({ length: TEMPLATES }, (_, i) => ({
        accountId,
        name: templateName(i),
        format: i % 2 === 0 ? ("JPG" as const) : ("PNG" as const),
        intervalSeconds: 5 + i,
        storageMode: i % 3 === 0 ? ("SEQUENCE" as const) : ("COVERAGE" as const),
      })),
    );

  await db
    .insert(domainGroupsTable)
    .values(
      Array.from({ length: DOMAINS }, (_, d) => ({
        accountId,
        pushDomain: pushDomain(d),
        playDomain: `play.${pushDomain(d)}`,
        sourceId: randomBytes(10).toString("hex"),
        pushAuthPrimaryKey: randomBytes(16).toString("hex"),
        pushAuthBackupKey: randomBytes(16).toString("hex"),
      })),
    );
  // One set-based INSERT ... SELECT; it spells out the same scopes and template choice as
  // expectedFor/templateIndex, and the bench checks every answer against those, so a drift
  // between the two fails the run instead of skewing it.
  const last = DOMAINS - 1;
  await db.execute(sql`
    with scopes(d, a, s) as (
      select d, a, s from generate_series(0, ${last}::int) d, generate_series(0, 9) a, generate_series(0, 8) s
      union all select d, a, null from generate_series(0, ${last}::int) d, generate_series(0, 8) a
      union all select d, null, null from generate_series(0, ${last}::int) d where d % 4 <> 0
      union all select d, 9, 9 from generate_series(0, ${last}::int) d where d % 4 = 0
    )
    insert into snapshot_configs (account_id, domain_group_id, app_name, stream_name, level, template_id)
    select ${accountId}::uuid, g.id, coalesce('app' || a, ''), coalesce('s' || s, ''),
      (case when s is not null then 'STREAM' when a is not null then 'APP' else 'DOMAIN' end)::binding_level,
      t.id
    from scopes
    join domain_groups g on g.push_domain = 'd' || d || '.bench.example.com'
    join snapshot_templates t on t.account_id = ${accountId}::uuid
      and t.name = 'bench-tpl-' || ((d * 31 + coalesce(a, 97) * 7 + coalesce(s, 89) * 13) % ${TEMPLATES}::int)
  `);
  const [{ bindings }] = (await db
    .select({ bindings: sql<number>`count(*)::int` })
    .from(snapshotConfigsTable)) as [{ bindings: number }];
  // What autovacuum would do shortly after a bulk load; the plan should not depend on luck.
  await db.execute(sql`analyze`);
  return {
    token,
    viewer: { tokenId: apiToken.id, accountId, role: "ADMIN", operator: false },
    bindings,
    seconds: (performance.now() - started) / 1000,
  };
}
