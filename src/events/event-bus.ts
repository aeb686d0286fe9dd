import type { SnapshotRow } from "../db/schema";

export interface SnapshotFilter {
  accountId: string;
  /** The subscriber's token: its revocation ends the subscription. */
  tokenId?: string | undefined;
  domain?: string | null | undefined;
  app?: string | null | undefined;
  stream?: string | null | undefined;
}

/**
 * How a stored snapshot reaches its subscribers. In-process today; another implementation
 * can carry events between instances without the callers changing.
 */
export interface EventBus {
  /** Called only after the object is stored and its row committed. */
  publishSnapshotCreated(snapshot: SnapshotRow): Promise<void>;
  /** Ends when `signal` aborts or the consumer stops iterating. */
  subscribeSnapshotCreated(filter: SnapshotFilter, signal?: AbortSignal): AsyncIterableIterator<SnapshotRow>;
  /** Ends every subscription opened with this token, on every instance. */
  publishTokenRevoked(tokenId: string): Promise<void>;
  /**
   * Calls `listener` for every revocation, this instance's and (with a shared bus) the
   * others'; a local revocation's listeners have run when its publish resolves. Returns the
   * unsubscriber.
   */
  onTokenRevoked(listener: (tokenId: string) => void): () => void;
  close(): Promise<void>;
}

export function matchesFilter(snapshot: SnapshotRow, filter: SnapshotFilter): boolean {
  return (
    snapshot.accountId === filter.accountId &&
    (!filter.domain || snapshot.domain === filter.domain) &&
    (!filter.app || snapshot.appName === filter.app) &&
    (!filter.stream || snapshot.streamName === filter.stream)
  );
}
