import DataLoader from "dataloader";
import type { Database } from "../db/client";
import type { SnapshotRow } from "../db/schema";
import { latestSnapshotsOf } from "../domain/snapshots";
import type { GraphQLContext, GraphQLServices } from "./context";

/** A DataLoader cache that holds an entry only as long as its key object lives. */
class WeakCacheMap<K extends object, V> {
  private map = new WeakMap<K, V>();
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  set(key: K, value: V): this {
    this.map.set(key, value);
    return this;
  }
  delete(key: K): boolean {
    return this.map.delete(key);
  }
  clear(): void {
    this.map = new WeakMap();
  }
}

/**
 * Per-request loaders: one query for all last snapshots of a page, one signature per snapshot.
 * A subscription keeps one context for all its events, so there nothing is cached by id, and
 * signatures are cached on the event's own row object: what the loaders remember goes with the event.
 */
export function createLoaders(
  db: Database,
  services: GraphQLServices,
  kind: "request" | "subscription" = "request",
): GraphQLContext["loaders"] {
  return {
    latestSnapshot: new DataLoader(
      async (ids: readonly string[]) => {
        const latest = await latestSnapshotsOf(db, ids);
        return ids.map((id) => latest.get(id) ?? null);
      },
      { cache: kind === "request" },
    ),
    // Keyed by the row object so url and urlExpiresAt of one Snapshot come from one signature.
    signedUrl: new DataLoader(
      (rows: readonly SnapshotRow[]) => Promise.all(rows.map((r) => services.signSnapshotUrl(r.bucket, r.key))),
      { batch: false, cacheMap: new WeakCacheMap<SnapshotRow, Promise<{ url: string; expiresAt: Date }>>() },
    ),
  };
}
