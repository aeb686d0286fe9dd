import type { DeliveredSnapshot } from "../db/schema";

export type CallbackFormat = "STANDARD" | "JDCLOUD";

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

/** The Snapshot as the GraphQL type shapes it, with its signed URL. */
export function snapshotData(snapshot: DeliveredSnapshot, signed: SignedUrl) {
  return {
    id: snapshot.id,
    domain: snapshot.domain,
    appName: snapshot.appName,
    streamName: snapshot.streamName,
    sourceId: snapshot.sourceId,
    key: snapshot.key,
    bucket: snapshot.bucket,
    format: snapshot.format,
    width: snapshot.width,
    height: snapshot.height,
    bytes: snapshot.bytes,
    capturedAt: snapshot.capturedAt,
    url: signed.url,
    urlExpiresAt: signed.expiresAt.toISOString(),
  };
}

/** The request body of one attempt: the event is fixed, the signed URL is minted for this attempt. */
export function callbackBody(format: CallbackFormat, event: { snapshot: DeliveredSnapshot; occurredAt: Date }, signed: SignedUrl): string {
  const { snapshot } = event;
  if (format === "JDCLOUD") {
    return JSON.stringify({
      version: "v1.1",
      publishDomain: snapshot.domain,
      appName: snapshot.appName,
      streamName: snapshot.streamName,
      snapshotTime: new Date(snapshot.capturedAt).getTime(),
      downloadUrl: signed.url,
      status: "success",
    });
  }
  return JSON.stringify({ type: "snapshot.created", timestamp: event.occurredAt.toISOString(), data: snapshotData(snapshot, signed) });
}
