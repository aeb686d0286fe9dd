import type { RateLimit } from "./config";

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per key (a client address, a token id): `burst` at once, refilled at `perMinute`.
 * The table keeps at most `maxKeys` entries, dropping the least recently used, so a crowd of
 * addresses costs a bounded amount of memory; a dropped key starts again with a full bucket.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = limit.perMinute / 60_000;
  }

  /** Spends one unit of `key`: 0 when allowed, else the whole seconds until one is available. */
  take(key: string): number {
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const existing = this.buckets.get(key);
    const bucket = existing
      ? { tokens: Math.min(this.limit.burst, existing.tokens + (now - existing.at) * this.perMs), at: now }
      : { tokens: this.limit.burst, at: now };
    // Re-inserted so the Map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return bucket;
  }
}
