import type { Viewer } from "./viewer";

export interface TokenCacheOptions {
  /** Least recently used entries go first beyond this many. */
  maxEntries: number;
  /** How long an entry is trusted without asking the database again. */
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  viewer: Viewer;
  expiresAt: number;
}

/**
 * Viewers of recently seen tokens, keyed by the token's hash (never the secret). Revocation
 * removes a token's entry at once; the TTL is only a safety net for a revocation that was
 * never announced. A lookup that was already running when a token was revoked may have read
 * the row before the revocation committed: `stamp()` taken before the lookup lets `remember`
 * drop such a result instead of caching it.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly hashByTokenId = new Map<string, string>();
  private revocations = 0;
  private readonly now: () => number;

  constructor(private readonly options: TokenCacheOptions) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1 || !Number.isFinite(options.ttlMs) || options.ttlMs <= 0) {
      throw new Error(`token cache needs an integer maxEntries >= 1 and a finite ttlMs > 0, got ${options.maxEntries} and ${options.ttlMs}`);
    }
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Taken before a database lookup and handed back to `remember` with its result. */
  stamp(): number {
    return this.revocations;
  }

  get(hash: string): Viewer | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.delete(hash, entry);
      return undefined;
    }
    // Re-inserting moves the entry to the end of the Map's order: the eviction order is LRU.
    this.entries.delete(hash);
    this.entries.set(hash, entry);
    return entry.viewer;
  }

  remember(hash: string, viewer: Viewer, stamp: number): void {
    if (stamp !== this.revocations) return;
    const previous = this.entries.get(hash);
    if (previous) this.delete(hash, previous);
    // Frozen: every request holding this token shares the one object.
    this.entries.set(hash, { viewer: Object.freeze(viewer), expiresAt: this.now() + this.options.ttlMs });
    this.hashByTokenId.set(viewer.tokenId, hash);
    while (this.entries.size > this.options.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry];
      this.delete(oldest, entry);
    }
  }

  forgetToken(tokenId: string): void {
    this.revocations++;
    const hash = this.hashByTokenId.get(tokenId);
    const entry = hash === undefined ? undefined : this.entries.get(hash);
    if (hash !== undefined && entry) this.delete(hash, entry);
    this.hashByTokenId.delete(tokenId);
  }

  private delete(hash: string, entry: Entry): void {
    this.entries.delete(hash);
    if (this.hashByTokenId.get(entry.viewer.tokenId) === hash) this.hashByTokenId.delete(entry.viewer.tokenId);
  }
}
