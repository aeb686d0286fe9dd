import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Subscription<T> {
  events: T[];
  errors: unknown[];
  /** Resolves with the next event matching `where` (already received ones count), or rejects after timeoutMs. */
  next(timeoutMs: number, where?: (event: T) => boolean): Promise<T>;
  close(): Promise<void>;
}

/** A real graphql-ws client over a real WebSocket, authenticated like any client would be. */
export function openWsClient(httpUrl: string, token: string | null): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    // One connection for the test's operations, as a long-lived client keeps it.
    lazyCloseTimeout: 60_000,
  });
}

export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  let consumed = 0;
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(...value.errors);
        if (value.data) events.push(value.data as T);
        for (const w of waiters) w();
      },
      error: (error) => {
        const close = error as { code?: unknown; reason?: unknown };
        errors.push(typeof close.code === "number" ? { closed: close.code, reason: close.reason } : error);
        for (const w of waiters) w();
      },
      complete: () => {},
    },
  );
  return {
    events,
    errors,
    next(timeoutMs, where = () => true) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          while (consumed < events.length) {
            const event = events[consumed++]!;
            if (where(event)) {
              cleanup();
              resolve(event);
              return;
            }
          }
          if (errors.length > 0) {
            cleanup();
            reject(new Error(`subscription failed: ${JSON.stringify(errors)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${timeoutMs} ms (received ${events.length})`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      dispose();
    },
  };
}
