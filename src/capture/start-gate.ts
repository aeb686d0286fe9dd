/**
 * Bounds how many ffmpeg processes may be starting at once (connecting, probing, waiting for
 * their first image). A start costs several times a running capture's CPU; fifty at once on a
 * small machine starve each other and the ingest, and every stream then misses its interval.
 */
export class StartGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`start limit must be a positive integer, got ${limit}`);
  }

  /** Resolves with a release function once a slot is free; `cancelled` drops a waiter that no longer needs one. */
  acquire(cancelled: () => boolean): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        if (cancelled()) {
          this.next();
          return;
        }
        this.running += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running -= 1;
          this.next();
        });
      };
      if (this.running < this.limit) grant();
      else this.waiting.push(grant);
    });
  }

  /** Starts waiting now, for inspection. */
  get queued(): number {
    return this.waiting.length;
  }

  private next(): void {
    if (this.running >= this.limit) return;
    this.waiting.shift()?.();
  }
}
