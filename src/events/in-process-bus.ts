import type { SnapshotRow } from "../db/schema";
import { matchesFilter, type EventBus, type SnapshotFilter } from "./event-bus";

/** A subscriber that stops reading loses its oldest events rather than growing without bound. */
const MAX_QUEUED_PER_SUBSCRIBER = 1000;

interface Subscriber {
  filter: SnapshotFilter;
  queue: SnapshotRow[];
  wake: (() => void) | null;
  closed: boolean;
}

export function createInProcessEventBus(): EventBus {
  const subscribers = new Set<Subscriber>();
  const revocationListeners = new Set<(tokenId: string) => void>();

  function close(sub: Subscriber) {
    sub.closed = true;
    subscribers.delete(sub);
    sub.wake?.();
  }

  return {
    async publishSnapshotCreated(snapshot) {
      for (const sub of subscribers) {
        if (!matchesFilter(snapshot, sub.filter)) continue;
        sub.queue.push(snapshot);
        if (sub.queue.length > MAX_QUEUED_PER_SUBSCRIBER) sub.queue.shift();
        sub.wake?.();
      }
    },

    async publishTokenRevoked(tokenId) {
      for (const listener of [...revocationListeners]) listener(tokenId);
      for (const sub of [...subscribers]) if (sub.filter.tokenId === tokenId) close(sub);
    },

    onTokenRevoked(listener) {
      revocationListeners.add(listener);
      return () => revocationListeners.delete(listener);
    },

    subscribeSnapshotCreated(filter, signal) {
      const sub: Subscriber = { filter, queue: [], wake: null, closed: false };
      subscribers.add(sub);
      signal?.addEventListener("abort", () => close(sub), { once: true });
      const iterator: AsyncIterableIterator<SnapshotRow> = {
        async next() {
          while (!sub.closed) {
            const item = sub.queue.shift();
            if (item) return { value: item, done: false };
            await new Promise<void>((resolve) => {
              sub.wake = resolve;
            });
            sub.wake = null;
          }
          return { value: undefined, done: true };
        },
        async return() {
          close(sub);
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },

    async close() {
      for (const sub of [...subscribers]) close(sub);
    },
  };
}
