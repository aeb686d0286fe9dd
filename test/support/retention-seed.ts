import { stat } from "node:fs/promises";
import { eq } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import { liveStreamsTable, snapshotsTable, type LiveStreamRow, type SnapshotRow, type SnapshotTemplateRow } from "../../src/db/schema";
import { contentTypeFor, snapshotKey } from "../../src/domain/object-keys";
import { freezeTemplate } from "../../src/domain/streams";
import type { FsObjectStore } from "../../src/storage/fs-store";
import type { ObjectStore } from "../../src/storage/object-store";
import { objectPath } from "../../src/storage/object-names";
import { fakeJpeg } from "./storage-images";

export const DAY_MS = 86_400_000;
/** Source ids, and so object keys, differ between accounts as real domain groups' do. */
const sourceIdOf = (accountId: string) => `src${accountId.replace(/-/g, "").slice(0, 16)}`;

/** A publish as ingest records it, with `template` frozen in it; ENDED when asked. */
export async function insertLiveStream(
  db: Database,
  input: { accountId: string; domain: string; app: string; stream: string; template: SnapshotTemplateRow; status: "LIVE" | "ENDED" },
): Promise<LiveStreamRow> {
  const [row] = await db
    .insert(liveStreamsTable)
    .values({
      accountId: input.accountId,
      domain: input.domain,
      appName: input.app,
      streamName: input.stream,
      sourceId: sourceIdOf(input.accountId),
      source: "embedded",
      status: input.status,
      endedAt: input.status === "ENDED" ? new Date() : null,
      template: freezeTemplate(input.template),
    })
    .returning();
  return row!;
}

/** An image stored and recorded as capture does, at an exact capture time: object first, then row. */
export async function seedSnapshot(
  db: Database,
  store: ObjectStore,
  stream: LiveStreamRow,
  capturedAt: Date,
  bytes = 2048,
): Promise<SnapshotRow> {
  const template = stream.template!;
  const key = snapshotKey({
    storageMode: template.storageMode,
    sourceId: stream.sourceId!,
    appName: stream.appName,
    streamName: stream.streamName,
    format: template.format,
    capturedAt,
  });
  const bucket = template.bucket ?? store.defaultBucket;
  await store.put({ bucket, key, body: fakeJpeg(bytes), contentType: contentTypeFor(template.format) });
  const [row] = await db
    .insert(snapshotsTable)
    .values({
      accountId: stream.accountId!,
      liveStreamId: stream.id,
      templateId: template.id,
      domain: stream.domain,
      appName: stream.appName,
      streamName: stream.streamName,
      sourceId: stream.sourceId!,
      bucket,
      key,
      format: template.format,
      width: 8,
      height: 8,
      bytes,
      capturedAt,
    })
    .returning();
  return row!;
}

export async function snapshotIds(db: Database, accountId?: string): Promise<string[]> {
  const rows = await db
    .select({ id: snapshotsTable.id })
    .from(snapshotsTable)
    .where(accountId ? eq(snapshotsTable.accountId, accountId) : undefined);
  return rows.map((r) => r.id).sort();
}

/** Whether the store still has an object, asked the store's own way (the file, or a signed GET). */
export async function objectExists(store: ObjectStore, bucket: string, key: string): Promise<boolean> {
  if (store.driver === "fs") {
    return stat(objectPath((store as FsObjectStore).rootDir, bucket, key)).then(
      () => true,
      (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : Promise.reject(error)),
    );
  }
  const response = await fetch((await store.signedGetUrl(bucket, key, 60)).url);
  await response.arrayBuffer();
  if (response.status !== 200 && response.status !== 404) throw new Error(`GET ${key}: ${response.status}`);
  return response.status === 200;
}
