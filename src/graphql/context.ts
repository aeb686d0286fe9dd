import type DataLoader from "dataloader";
import type { Database } from "../db/client";
import type { CallbackUrlPolicy } from "../domain/callback-urls";
import type { SnapshotRow } from "../db/schema";
import type { Viewer } from "../domain/viewer";
import type { EventBus } from "../events/event-bus";

export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

/** What resolvers may reach besides the database; built once in app.ts. */
export interface GraphQLServices {
  bus: EventBus;
  signSnapshotUrl(bucket: string, key: string): Promise<SignedUrl>;
  /** Base of the publish URLs pushUrl hands out, `{domain}` standing for the push domain. */
  pushUrlBase(): string;
  /** Removes a snapshot's image from the object store (deleteSnapshots); a missing one counts as removed. */
  deleteSnapshotObject(bucket: string, key: string): Promise<void>;
  /** Buckets a template may name; undefined: any valid bucket name (the s3 store). */
  allowedBuckets?: readonly string[] | undefined;
  /** How callback URLs are checked; undefined: private and loopback addresses refused. */
  callbackUrlPolicy?: CallbackUrlPolicy | undefined;
  /** captureSnapshot: the stream's newest keyframe stored and announced now (live capture). */
  captureSnapshot?: ((viewer: Viewer | null, input: { domain: string; app: string; stream: string }) => Promise<SnapshotRow>) | undefined;
  /** Tells the delivery worker a delivery is due now. */
  wakeCallbackDeliveries?: (() => void) | undefined;
}

export interface GraphQLContext {
  db: Database;
  viewer: Viewer | null;
  services: GraphQLServices;
  loaders: {
    latestSnapshot: DataLoader<string, SnapshotRow | null>;
    signedUrl: DataLoader<SnapshotRow, SignedUrl>;
  };
}
