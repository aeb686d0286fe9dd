import type { TagSource } from "../media/types";

/**
 * Whether a video tag can be read from the source within the timeout: is the stream still there?
 * An aborted probe answers false at once; the source is let go either way.
 */
export function streamIsReadable(source: TagSource, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    let settled = false;
    let unsubscribe: (() => void) | undefined;
    const finish = (live: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      unsubscribe?.();
      resolve(live);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    unsubscribe = source.subscribe({ onVideo: () => finish(true), onEnd: () => finish(false) });
    if (settled) unsubscribe();
  });
}
