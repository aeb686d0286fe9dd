import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import {
  domainGroupsTable,
  snapshotConfigsTable,
  snapshotTemplatesTable,
  type DomainGroupRow,
  type SnapshotConfigRow,
  type SnapshotTemplateRow,
} from "../db/schema";
import { badInput, conflict, notFound } from "../errors";
import { getOwnDomainGroup } from "./domain-groups";
import { ownRowsByCreation } from "./keyset";
import { assertSegmentName } from "./names";
import { fetchPage, isUuid, type Page, type PageArgs } from "./pagination";
import { pgErrorCode, UNIQUE_VIOLATION } from "./pg-errors";
import { getSnapshotTemplateOrThrow } from "./snapshot-templates";
import { requireAdmin, requireViewer, type Viewer } from "./viewer";

export type BindingLevel = "DOMAIN" | "APP" | "STREAM";

/** "ALL" is stored as the empty string; see the table's comment. */
const ALL = "";

/** A binding with what it points at, as every reader of a config wants it. */
export interface SnapshotConfigView {
  config: SnapshotConfigRow;
  domainGroup: DomainGroupRow;
  template: SnapshotTemplateRow;
}

/** Null for ALL. */
export const scopeName = (stored: string): string | null => (stored === ALL ? null : stored);

export function bindingLevel(appName: string | null | undefined, streamName: string | null | undefined): BindingLevel {
  if (streamName) {
    if (!appName) throw badInput("appName", "a STREAM binding needs appName as well as streamName");
    return "STREAM";
  }
  return appName ? "APP" : "DOMAIN";
}

export async function createSnapshotConfig(
  db: Database,
  viewer: Viewer | null,
  input: { domain: string; appName?: string | null; streamName?: string | null; templateId: string },
): Promise<SnapshotConfigView> {
  const v = requireAdmin(viewer);
  // An empty name is a mistake, not "ALL": only null or a left-out field binds every app or stream.
  const appName = input.appName != null ? assertSegmentName("appName", input.appName) : ALL;
  const streamName = input.streamName != null ? assertSegmentName("streamName", input.streamName) : ALL;
  const level = bindingLevel(input.appName, input.streamName);
  const domainGroup = await getOwnDomainGroup(db, v, input.domain);
  const template = await getSnapshotTemplateOrThrow(db, v, input.templateId, "templateId");
  try {
    const [config] = await db
      .insert(snapshotConfigsTable)
      .values({ accountId: v.accountId, domainGroupId: domainGroup.id, appName, streamName, level, templateId: template.id })
      .returning();
    return { config: config!, domainGroup, template };
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION) {
      const scope = [domainGroup.pushDomain, appName || "ALL", streamName || "ALL"].join("/");
      throw conflict(`a snapshot config already binds ${scope} (${level} level); delete it first`, "domain");
    }
    throw error;
  }
}

export async function deleteSnapshotConfig(db: Database, viewer: Viewer | null, id: string): Promise<string> {
  const v = requireAdmin(viewer);
  if (!isUuid(id)) throw notFound("snapshot config", "id");
  const [row] = await db
    .delete(snapshotConfigsTable)
    .where(and(eq(snapshotConfigsTable.id, id), eq(snapshotConfigsTable.accountId, v.accountId)))
    .returning({ id: snapshotConfigsTable.id });
  if (!row) throw notFound("snapshot config", "id");
  return row.id;
}

export async function listSnapshotConfigs(
  db: Database,
  viewer: Viewer | null,
  args: PageArgs & { domain?: string | null | undefined },
): Promise<Page<SnapshotConfigView>> {
  const v = requireViewer(viewer);
  const domainGroup = args.domain != null ? await getOwnDomainGroup(db, v, args.domain) : null;
  const c = snapshotConfigsTable;
  return fetchPage(
    args,
    (after, limit) => {
      const own = ownRowsByCreation(c, v.accountId, after);
      return db
        .select({ config: c, domainGroup: domainGroupsTable, template: snapshotTemplatesTable })
        .from(c)
        .innerJoin(domainGroupsTable, eq(domainGroupsTable.id, c.domainGroupId))
        .innerJoin(snapshotTemplatesTable, eq(snapshotTemplatesTable.id, c.templateId))
        .where(and(own.where, domainGroup ? eq(c.domainGroupId, domainGroup.id) : undefined))
        .orderBy(...own.orderBy)
        .limit(limit);
    },
    (r) => ({ at: r.config.createdAt, id: r.config.id }),
  );
}
