import type { snapshotFormatEnum, storageModeEnum } from "../db/schema/snapshot-templates";
import { badInput } from "../errors";
import { isValidSegmentName, printable } from "./names";

export type SnapshotFormat = (typeof snapshotFormatEnum.enumValues)[number];
export type StorageMode = (typeof storageModeEnum.enumValues)[number];

export interface SnapshotKeyInput {
  storageMode: StorageMode;
  sourceId: string;
  appName: string;
  streamName: string;
  format: SnapshotFormat;
  capturedAt: Date;
}

const SOURCE_ID = /^[a-z0-9]{1,64}$/;

const EXTENSIONS: Record<SnapshotFormat, string> = { JPG: "jpg", PNG: "png" };
const CONTENT_TYPES: Record<SnapshotFormat, string> = { JPG: "image/jpeg", PNG: "image/png" };

/**
 * The object key of one snapshot, in the layout of the reference product:
 *
 *   COVERAGE  snapshot/{Date}/{SourceID}/{AppName}/{StreamName}.{Format}
 *   SEQUENCE  snapshot/{Date}/{SourceID}/{AppName}/{StreamName}/{SnapshotTime}.{Format}
 *
 * Names are checked again here although ingest already did: a key is a path in the fs
 * driver, and a single unchecked `..` would write outside the store.
 */
export function snapshotKey(input: SnapshotKeyInput): string {
  const { storageMode, sourceId, appName, streamName, format, capturedAt } = input;
  if (!SOURCE_ID.test(sourceId)) {
    throw badInput("sourceId", `sourceId "${printable(sourceId)}" must be 1..64 lower-case letters or digits`);
  }
  assertKeySegment("appName", appName);
  assertKeySegment("streamName", streamName);
  const time = capturedAt.getTime();
  if (!Number.isFinite(time) || time < 0) {
    throw badInput("capturedAt", "capturedAt must be a valid time after 1970-01-01");
  }
  const extension = EXTENSIONS[format];
  if (extension === undefined) throw badInput("format", `format must be JPG or PNG`);
  const prefix = `snapshot/${utcDate(capturedAt)}/${sourceId}/${appName}/${streamName}`;
  return storageMode === "COVERAGE" ? `${prefix}.${extension}` : `${prefix}/${time}.${extension}`;
}

export function contentTypeFor(format: SnapshotFormat): string {
  const type = CONTENT_TYPES[format];
  if (type === undefined) throw badInput("format", `format must be JPG or PNG`);
  return type;
}

function assertKeySegment(field: "appName" | "streamName", name: string): void {
  if (!isValidSegmentName(name)) {
    throw badInput(field, `${field} "${printable(name)}" cannot be part of an object key`);
  }
}

function utcDate(at: Date): string {
  const month = String(at.getUTCMonth() + 1).padStart(2, "0");
  const day = String(at.getUTCDate()).padStart(2, "0");
  return `${String(at.getUTCFullYear()).padStart(4, "0")}${month}${day}`;
}
