import type { PublishDecision, StreamLifecycle, StreamSignal } from "../../src/ingest/types";

export interface LifecycleEvent {
  kind: "published" | "unpublished";
  signal: StreamSignal;
  at: number;
}

/** A StreamLifecycle that records what ingest reports, and can be told to fail. */
export class RecordingLifecycle implements StreamLifecycle {
  readonly events: LifecycleEvent[] = [];
  failure: Error | undefined;
  /** What published() answers; accepts every publish unless a test says otherwise. */
  decide: (signal: StreamSignal) => PublishDecision | Promise<PublishDecision> = () => ({ accepted: true });
  private waiters: (() => void)[] = [];

  async published(signal: StreamSignal): Promise<PublishDecision> {
    this.record("published", signal);
    return this.decide(signal);
  }

  async unpublished(signal: StreamSignal): Promise<void> {
    this.record("unpublished", signal);
  }

  of(kind: LifecycleEvent["kind"]): StreamSignal[] {
    return this.events.filter((e) => e.kind === kind).map((e) => e.signal);
  }

  /** Resolves with the first recorded event matching, waiting up to timeoutMs for it. */
  waitFor(match: (event: LifecycleEvent) => boolean, timeoutMs: number): Promise<LifecycleEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(match);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(found);
        return true;
      };
      const waiter = () => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching lifecycle event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(waiter);
    });
  }

  private record(kind: LifecycleEvent["kind"], signal: StreamSignal): void {
    if (this.failure !== undefined) throw this.failure;
    this.events.push({ kind, signal, at: Date.now() });
    for (const waiter of [...this.waiters]) waiter();
  }
}
