import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client";
import { snapshotTemplatesTable, type SnapshotTemplateRow } from "../db/schema";
import { badInput, conflict, notFound } from "../errors";
import { ownRowsByCreation } from "./keyset";
import { fetchPage, isUuid, type Page, type PageArgs } from "./pagination";
import { isStillReferenced, pgErrorCode, UNIQUE_VIOLATION } from "./pg-errors";
import { requireAdmin, requireViewer, type Viewer } from "./viewer";

export const FORMATS = ["JPG", "PNG"] as const;
export const FILL_MODES = ["STRETCH", "PAD_BLACK", "PAD_WHITE", "BLUR"] as const;
export const STORAGE_MODES = ["COVERAGE", "SEQUENCE"] as const;

const TEMPLATE_NAME = /^(?!-)[A-Za-z0-9_-]{1,50}(?<!-)$/;
// S3 bucket naming: 3..63 lower-case letters, digits, '.', '-', starting and ending alphanumeric.
const BUCKET = /^(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const dimension = (field: string) =>
  z
    .number({ error: `${field} must be an integer` })
    .int(`${field} must be an integer`)
    .min(8, `${field} must be from 8 to 8192 pixels`)
    .max(8192, `${field} must be from 8 to 8192 pixels`);

const fields = {
  name: z
    .string()
    .max(50, "name must be at most 50 characters")
    .regex(TEMPLATE_NAME, "name may only contain letters, digits, '_' and '-', must not start or end with '-', and must not be empty"),
  format: z.enum(FORMATS, { error: "format must be JPG or PNG" }),
  intervalSeconds: z
    .number()
    .int("intervalSeconds must be an integer")
    .min(5, "intervalSeconds must be from 5 to 3600")
    .max(3600, "intervalSeconds must be from 5 to 3600"),
  width: dimension("width").nullable(),
  height: dimension("height").nullable(),
  fillMode: z.enum(FILL_MODES, { error: "fillMode must be STRETCH, PAD_BLACK, PAD_WHITE or BLUR" }),
  storageMode: z.enum(STORAGE_MODES, { error: "storageMode must be COVERAGE or SEQUENCE" }),
  bucket: z
    .string()
    .regex(BUCKET, "bucket must be a valid bucket name (3..63 lower-case letters, digits, '.', '-')")
    .nullable(),
  retentionDays: z
    .number({ error: "retentionDays must be an integer" })
    .int("retentionDays must be an integer")
    .min(1, "retentionDays must be from 1 to 3650 days")
    .max(3650, "retentionDays must be from 1 to 3650 days")
    .nullable(),
};

const createSchema = z.object({
  name: fields.name,
  format: fields.format,
  intervalSeconds: fields.intervalSeconds,
  width: fields.width.optional(),
  height: fields.height.optional(),
  fillMode: fields.fillMode.optional(),
  storageMode: fields.storageMode,
  bucket: fields.bucket.optional(),
  retentionDays: fields.retentionDays.optional(),
});
const updateSchema = createSchema.partial().extend({ name: fields.name.optional() });

/** Loosely typed on purpose: every field is checked here, whatever a caller sends. */
export type CreateTemplateInput = { [K in keyof z.input<typeof createSchema>]?: unknown };
export type UpdateTemplateInput = CreateTemplateInput;

/** Validates with zod and reports the first problem as BAD_USER_INPUT naming its field. */
function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join(".") || "input";
    throw badInput(field, issue.message);
  }
  return result.data;
}

/** Drops keys whose value is undefined, which GraphQL uses for "not given". */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Where a template's images may go: on the fs store only the configured buckets. */
export interface BucketRule {
  /** undefined: any valid bucket name. */
  allowedBuckets?: readonly string[] | undefined;
}

function assertBucketAllowed(bucket: string | null | undefined, rule: BucketRule): void {
  if (bucket === null || bucket === undefined || rule.allowedBuckets === undefined) return;
  if (!rule.allowedBuckets.includes(bucket)) {
    throw badInput("bucket", `bucket "${bucket}" is not one of the configured buckets (${rule.allowedBuckets.join(", ")})`);
  }
}

function nameTaken(name: string) {
  return conflict(`a snapshot template named "${name}" already exists`, "name");
}

export async function createSnapshotTemplate(
  db: Database,
  viewer: Viewer | null,
  input: CreateTemplateInput,
  rule: BucketRule = {},
): Promise<SnapshotTemplateRow> {
  const v = requireAdmin(viewer);
  const data = parse(createSchema, defined(input));
  assertBucketAllowed(data.bucket, rule);
  try {
    const [row] = await db
      .insert(snapshotTemplatesTable)
      .values({
        accountId: v.accountId,
        name: data.name,
        format: data.format,
        intervalSeconds: data.intervalSeconds,
        width: data.width ?? null,
        height: data.height ?? null,
        fillMode: data.fillMode ?? "STRETCH",
        storageMode: data.storageMode,
        bucket: data.bucket ?? null,
        retentionDays: data.retentionDays ?? null,
      })
      .returning();
    return row!;
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION) throw nameTaken(data.name);
    throw error;
  }
}

/**
 * Streams already live keep the settings frozen at their publish; later publishes see the update.
 * retentionDays is the exception: it applies at once to every image the template has taken.
 */
export async function updateSnapshotTemplate(
  db: Database,
  viewer: Viewer | null,
  id: string,
  input: UpdateTemplateInput,
  rule: BucketRule = {},
): Promise<SnapshotTemplateRow> {
  const v = requireAdmin(viewer);
  await getSnapshotTemplateOrThrow(db, v, id);
  const data = parse(updateSchema, defined(input));
  assertBucketAllowed(data.bucket, rule);
  try {
    const [row] = await db
      .update(snapshotTemplatesTable)
      .set({ ...data, updatedAt: new Date() })
      .where(and(eq(snapshotTemplatesTable.id, id), eq(snapshotTemplatesTable.accountId, v.accountId)))
      .returning();
    if (!row) throw notFound("snapshot template", "id");
    return row;
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION && data.name) throw nameTaken(data.name);
    throw error;
  }
}

export async function deleteSnapshotTemplate(db: Database, viewer: Viewer | null, id: string): Promise<string> {
  const v = requireAdmin(viewer);
  const template = await getSnapshotTemplateOrThrow(db, v, id);
  try {
    await db.delete(snapshotTemplatesTable).where(eq(snapshotTemplatesTable.id, id));
  } catch (error) {
    // snapshot_configs reference their template ON DELETE RESTRICT: the database is the one judge.
    if (isStillReferenced(error)) {
      throw conflict(`snapshot template "${template.name}" is used by snapshot configs; delete them first`, "id");
    }
    throw error;
  }
  return id;
}

export async function getSnapshotTemplate(
  db: Database,
  viewer: Viewer | null,
  id: string,
  field = "id",
): Promise<SnapshotTemplateRow | null> {
  const v = requireViewer(viewer);
  // No row could ever have this id: a mistake worth naming, unlike an id that is merely gone.
  if (!isUuid(id)) throw notFound("snapshot template", field);
  const [row] = await db
    .select()
    .from(snapshotTemplatesTable)
    .where(and(eq(snapshotTemplatesTable.id, id), eq(snapshotTemplatesTable.accountId, v.accountId)));
  return row ?? null;
}

export async function getSnapshotTemplateOrThrow(
  db: Database,
  viewer: Viewer,
  id: string,
  field = "id",
): Promise<SnapshotTemplateRow> {
  const row = await getSnapshotTemplate(db, viewer, id, field);
  if (!row) throw notFound("snapshot template", field);
  return row;
}

export async function listSnapshotTemplates(
  db: Database,
  viewer: Viewer | null,
  args: PageArgs,
): Promise<Page<SnapshotTemplateRow>> {
  const v = requireViewer(viewer);
  return fetchPage(
    args,
    (after, limit) => {
      const own = ownRowsByCreation(snapshotTemplatesTable, v.accountId, after);
      return db.select().from(snapshotTemplatesTable).where(own.where).orderBy(...own.orderBy).limit(limit);
    },
    (r) => ({ at: r.createdAt, id: r.id }),
  );
}
