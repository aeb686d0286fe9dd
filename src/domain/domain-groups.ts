import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { domainGroupsTable, type DomainGroupRow } from "../db/schema";
import { conflict, notFound } from "../errors";
import { assertDomain } from "./names";
import { ownRowsByCreation } from "./keyset";
import { fetchPage, isUuid, type Page, type PageArgs } from "./pagination";
import { isStillReferenced, pgErrorCode, UNIQUE_VIOLATION } from "./pg-errors";
import { requireAdmin, requireViewer, type Viewer } from "./viewer";

/** 32 lower-case hex characters (128 random bits): a push auth signing key. */
export function generatePushAuthKey(): string {
  return randomBytes(16).toString("hex");
}

/** 20 lower-case hex characters: unique, and safe in URLs and object keys. */
export function generateSourceId(): string {
  return randomBytes(10).toString("hex");
}

export type PushAuthMode = DomainGroupRow["pushAuth"];

export async function createDomainGroup(
  db: Database,
  viewer: Viewer | null,
  input: { pushDomain: string; playDomain: string },
): Promise<DomainGroupRow> {
  const v = requireAdmin(viewer);
  const pushDomain = assertDomain("pushDomain", input.pushDomain);
  const playDomain = assertDomain("playDomain", input.playDomain);
  if (pushDomain === playDomain) throw conflict("playDomain must differ from pushDomain", "playDomain");
  // A clash of random source ids is astronomically unlikely; retrying keeps the unique index the only judge.
  for (let attempt = 0; ; attempt++) {
    try {
      const [row] = await db
        .insert(domainGroupsTable)
        .values({
          accountId: v.accountId,
          pushDomain,
          playDomain,
          sourceId: generateSourceId(),
          pushAuthPrimaryKey: generatePushAuthKey(),
          pushAuthBackupKey: generatePushAuthKey(),
        })
        .returning();
      return row!;
    } catch (error) {
      if (pgErrorCode(error) !== UNIQUE_VIOLATION) throw error;
      const [taken] = await db
        .select({ id: domainGroupsTable.id })
        .from(domainGroupsTable)
        .where(eq(domainGroupsTable.pushDomain, pushDomain));
      if (taken) throw conflict(`push domain ${pushDomain} is already claimed`, "pushDomain");
      if (attempt >= 3) throw error;
    }
  }
}

export async function listDomainGroups(db: Database, viewer: Viewer | null, args: PageArgs): Promise<Page<DomainGroupRow>> {
  const v = requireViewer(viewer);
  return fetchPage(
    args,
    (after, limit) => {
      const own = ownRowsByCreation(domainGroupsTable, v.accountId, after);
      return db.select().from(domainGroupsTable).where(own.where).orderBy(...own.orderBy).limit(limit);
    },
    (r) => ({ at: r.createdAt, id: r.id }),
  );
}

/** The caller's domain group for a push domain; another account's is NOT_FOUND. */
export async function getOwnDomainGroup(db: Database, viewer: Viewer, domain: string, field = "domain"): Promise<DomainGroupRow> {
  const pushDomain = assertDomain(field, domain);
  const [row] = await db
    .select()
    .from(domainGroupsTable)
    .where(and(eq(domainGroupsTable.pushDomain, pushDomain), eq(domainGroupsTable.accountId, viewer.accountId)));
  if (!row) throw notFound(`domain ${pushDomain}`, field);
  return row;
}

/** Streams already live are not affected; the next publish is judged by the new setting. */
export async function updateDomainGroup(
  db: Database,
  viewer: Viewer | null,
  id: string,
  input: { playDomain?: string | null | undefined; pushAuth?: PushAuthMode | null | undefined },
): Promise<DomainGroupRow> {
  const v = requireAdmin(viewer);
  const group = await getOwnDomainGroupById(db, v, id);
  const changes: Partial<Pick<DomainGroupRow, "playDomain" | "pushAuth">> = {};
  if (input.playDomain !== undefined && input.playDomain !== null) {
    changes.playDomain = assertDomain("playDomain", input.playDomain);
    if (changes.playDomain === group.pushDomain) throw conflict("playDomain must differ from pushDomain", "playDomain");
  }
  if (input.pushAuth !== undefined && input.pushAuth !== null) changes.pushAuth = input.pushAuth;
  if (Object.keys(changes).length === 0) return group;
  const [row] = await db
    .update(domainGroupsTable)
    .set(changes)
    .where(and(eq(domainGroupsTable.id, id), eq(domainGroupsTable.accountId, v.accountId)))
    .returning();
  if (!row) throw notFound("domain group", "id");
  return row;
}

/**
 * The primary key becomes the backup and a new primary is generated, in one statement: URLs
 * signed with the old primary keep working, those signed with the old backup stop.
 */
export async function rotatePushAuthKey(db: Database, viewer: Viewer | null, id: string): Promise<DomainGroupRow> {
  const v = requireAdmin(viewer);
  await getOwnDomainGroupById(db, v, id);
  const [row] = await db
    .update(domainGroupsTable)
    .set({ pushAuthBackupKey: sql`${domainGroupsTable.pushAuthPrimaryKey}`, pushAuthPrimaryKey: generatePushAuthKey() })
    .where(and(eq(domainGroupsTable.id, id), eq(domainGroupsTable.accountId, v.accountId)))
    .returning();
  if (!row) throw notFound("domain group", "id");
  return row;
}

/** The signing keys, for an ADMIN of the owning account only. */
export function pushAuthKeysFor(viewer: Viewer | null, group: DomainGroupRow): { primary: string; backup: string } | null {
  if (viewer?.role !== "ADMIN" || viewer.accountId !== group.accountId) return null;
  return { primary: group.pushAuthPrimaryKey, backup: group.pushAuthBackupKey };
}

async function getOwnDomainGroupById(db: Database, viewer: Viewer, id: string): Promise<DomainGroupRow> {
  if (!isUuid(id)) throw notFound("domain group", "id");
  const [group] = await db
    .select()
    .from(domainGroupsTable)
    .where(and(eq(domainGroupsTable.id, id), eq(domainGroupsTable.accountId, viewer.accountId)));
  if (!group) throw notFound("domain group", "id");
  return group;
}

/**
 * The push domain of a query over the caller's images, which may outlive their domain group:
 * another account's domain is NOT_FOUND, one no account has any more is the caller's to read.
 */
export async function assertNotAnotherAccountsDomain(db: Database, viewer: Viewer, domain: string, field = "domain"): Promise<string> {
  const pushDomain = assertDomain(field, domain);
  const group = await findDomainGroupByPushDomain(db, pushDomain);
  if (group && group.accountId !== viewer.accountId) throw notFound(`domain ${pushDomain}`, field);
  return pushDomain;
}

/** For ingest, which acts for whichever account owns the domain. */
export async function findDomainGroupByPushDomain(db: Database, pushDomain: string): Promise<DomainGroupRow | undefined> {
  const [row] = await db.select().from(domainGroupsTable).where(eq(domainGroupsTable.pushDomain, pushDomain));
  return row;
}

export async function deleteDomainGroup(db: Database, viewer: Viewer | null, id: string): Promise<string> {
  const v = requireAdmin(viewer);
  if (!isUuid(id)) throw notFound("domain group");
  const [group] = await db
    .select()
    .from(domainGroupsTable)
    .where(and(eq(domainGroupsTable.id, id), eq(domainGroupsTable.accountId, v.accountId)));
  if (!group) throw notFound("domain group");
  try {
    await db.delete(domainGroupsTable).where(eq(domainGroupsTable.id, id));
  } catch (error) {
    // snapshot_configs reference their domain group ON DELETE RESTRICT: the database is the one judge.
    if (isStillReferenced(error)) {
      throw conflict(`domain ${group.pushDomain} is used by snapshot configs; delete them first`, "id");
    }
    throw error;
  }
  return id;
}
