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
    // Keyed by the row object so url and urlExpiresAt of one Snapshot come from one signature.
    signedUrl: new DataLoader(
      (rows: readonly SnapshotRow[]) => Promise.all(rows.map((r) => services.signSnapshotUrl(r.bucket, r.key))),
      { batch: false },
    ),
  };
}
