import DataLoader from "dataloader";
import type { Database } from "../db/client";
import type { SnapshotRow } from "../db/schema";
import { latestSnapshotsOf } from "../domain/snapshots";
import type { GraphQLContext, GraphQLServices } from "./context";

/** Per-request loaders: one query for all last snapshots of a page, one signature per snapshot. */
export function createLoaders(db: Database, services: GraphQLServices): GraphQLContext["loaders"] {
  return {
    latestSnapshot: new DataLoader(async (ids: readonly string[]) => {
      const latest = await latestSnapshotsOf(db, ids);
      return ids.map((id) => latest.get(id) ?? null);
    }),
    // Not cached: a subscription keeps its context, and so these loaders, for as long as it
    // runs, and a cache held every snapshot it delivered (about 90 bytes per subscriber and
    // event). url and urlExpiresAt of one Snapshot still come from one signature: app.ts hands
    // out each object's signature again for a second (reuseRecentSignatures).
    signedUrl: new DataLoader(
      (rows: readonly SnapshotRow[]) => Promise.all(rows.map((r) => services.signSnapshotUrl(r.bucket, r.key))),
      { batch: false, cache: false },
    ),
  };
}
