import { and, count, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { domainGroupsTable, snapshotCallbacksTable, type SnapshotCallbackRow } from "../db/schema";
import { conflict, notFound } from "../errors";
import { assertCallbackUrl, type CallbackUrlPolicy } from "./callback-urls";
import { assertSigningSecret, generateSigningSecret } from "./callback-secrets";
import { getOwnDomainGroup } from "./domain-groups";
import { ownRowsByCreation } from "./keyset";
import { fetchPage, isUuid, type Page, type PageArgs } from "./pagination";
import { requireAdmin, requireViewer, type Viewer } from "./viewer";

/** Enough for a moderation, a thumbnail and an archive pipeline and then some; each one costs a request per snapshot. */
export const MAX_CALLBACKS_PER_DOMAIN = 10;

export type CallbackFormat = SnapshotCallbackRow["format"];

/** A callback with the push domain it listens to, as every reader wants it. */
export interface SnapshotCallbackView {
  callback: SnapshotCallbackRow;
  domain: string;
}

export interface SnapshotCallbackInput {
  url?: string | null | undefined;
  format?: CallbackFormat | null | undefined;
  /** `whsec_<base64>`; left out at creation: generated. */
  secret?: string | null | undefined;
}

export async function createSnapshotCallback(
  db: Database,
  viewer: Viewer | null,
  input: SnapshotCallbackInput & { domain: string; url: string; format: CallbackFormat },
  policy: CallbackUrlPolicy,
): Promise<SnapshotCallbackView> {
  const v = requireAdmin(viewer);
  const group = await getOwnDomainGroup(db, v, input.domain);
  const secret = input.secret != null ? assertSigningSecret("secret", input.secret) : generateSigningSecret();
  const url = await assertCallbackUrl("url", input.url, policy);
  const callback = await db.transaction(async (tx) => {
    // Locks the domain group so that concurrent creations cannot both pass the count.
    await tx.select({ id: domainGroupsTable.id }).from(domainGroupsTable).where(eq(domainGroupsTable.id, group.id)).for("update");
    const [existing] = await tx
      .select({ n: count() })
      .from(snapshotCallbacksTable)
      .where(eq(snapshotCallbacksTable.domainGroupId, group.id));
    if ((existing?.n ?? 0) >= MAX_CALLBACKS_PER_DOMAIN) {
      throw conflict(`domain ${group.pushDomain} already has ${MAX_CALLBACKS_PER_DOMAIN} callbacks, the most it may have`, "domain");
    }
    const [row] = await tx
      .insert(snapshotCallbacksTable)
      .values({ accountId: v.accountId, domainGroupId: group.id, url, format: input.format, signingSecret: secret })
      .returning();
    return row!;
  });
  return { callback, domain: group.pushDomain };
}

/** Fields left out keep their value; deliveries already queued go to the new URL with the new secret. */
export async function updateSnapshotCallback(
  db: Database,
  viewer: Viewer | null,
  id: string,
  input: SnapshotCallbackInput,
  policy: CallbackUrlPolicy,
): Promise<SnapshotCallbackView> {
  const v = requireAdmin(viewer);
  const current = await getOwnSnapshotCallback(db, v, id);
  const changes: Partial<Pick<SnapshotCallbackRow, "url" | "format" | "signingSecret">> = {};
  if (input.secret != null) changes.signingSecret = assertSigningSecret("secret", input.secret);
  if (input.format != null) changes.format = input.format;
  if (input.url != null) changes.url = await assertCallbackUrl("url", input.url, policy);
  if (Object.keys(changes).length === 0) return current;
  const [row] = await db
    .update(snapshotCallbacksTable)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(snapshotCallbacksTable.id, id), eq(snapshotCallbacksTable.accountId, v.accountId)))
    .returning();
  if (!row) throw notFound("snapshot callback", "id");
  return { callback: row, domain: current.domain };
}

/** Its deliveries, pending ones included, go with it. */
export async function deleteSnapshotCallback(db: Database, viewer: Viewer | null, id: string): Promise<string> {
  const v = requireAdmin(viewer);
  if (!isUuid(id)) throw notFound("snapshot callback", "id");
  const [row] = await db
    .delete(snapshotCallbacksTable)
    .where(and(eq(snapshotCallbacksTable.id, id), eq(snapshotCallbacksTable.accountId, v.accountId)))
    .returning({ id: snapshotCallbacksTable.id });
  if (!row) throw notFound("snapshot callback", "id");
  return row.id;
}

export async function listSnapshotCallbacks(
  db: Database,
  viewer: Viewer | null,
  args: PageArgs & { domain?: string | null | undefined },
): Promise<Page<SnapshotCallbackView>> {
  const v = requireViewer(viewer);
  const group = args.domain != null ? await getOwnDomainGroup(db, v, args.domain) : null;
  const c = snapshotCallbacksTable;
  return fetchPage(
    args,
    async (after, limit) => {
      const own = ownRowsByCreation(c, v.accountId, after);
      const rows = await db
        .select({ callback: c, domain: domainGroupsTable.pushDomain })
        .from(c)
        .innerJoin(domainGroupsTable, eq(domainGroupsTable.id, c.domainGroupId))
        .where(and(own.where, group ? eq(c.domainGroupId, group.id) : undefined))
        .orderBy(...own.orderBy)
        .limit(limit);
      return rows;
    },
    (r) => ({ at: r.callback.createdAt, id: r.callback.id }),
  );
}

/** The caller's callback; another account's is NOT_FOUND. */
export async function getOwnSnapshotCallback(db: Database, viewer: Viewer, id: string, field = "id"): Promise<SnapshotCallbackView> {
  if (!isUuid(id)) throw notFound("snapshot callback", field);
  const [row] = await db
    .select({ callback: snapshotCallbacksTable, domain: domainGroupsTable.pushDomain })
    .from(snapshotCallbacksTable)
    .innerJoin(domainGroupsTable, eq(domainGroupsTable.id, snapshotCallbacksTable.domainGroupId))
    .where(and(eq(snapshotCallbacksTable.id, id), eq(snapshotCallbacksTable.accountId, viewer.accountId)));
  if (!row) throw notFound("snapshot callback", field);
  return row;
}

/** The signing secret, for an ADMIN of the owning account only. */
export function signingSecretFor(viewer: Viewer | null, callback: SnapshotCallbackRow): string | null {
  return viewer?.role === "ADMIN" && viewer.accountId === callback.accountId ? callback.signingSecret : null;
}
