import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

const scope = new AsyncLocalStorage<string>();

/** Names one HTTP request or one WebSocket operation in logs, in its masked errors and in `x-request-id`. */
export const newRequestId = (): string => randomUUID();

/** Runs `fn` (and everything it starts) as part of the request `id`. */
export function withRequestId<T>(id: string, fn: () => T): T {
  return scope.run(id, fn);
}

export function currentRequestId(): string | undefined {
  return scope.getStore();
}
