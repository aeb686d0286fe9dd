import { describe, expect, it } from "vitest";
import { TokenCache } from "../src/domain/token-cache";
import type { Viewer } from "../src/domain/viewer";

const viewer = (n: number): Viewer => ({ tokenId: `token-${n}`, accountId: "account", role: "ADMIN", operator: false });

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("token cache", () => {
  it("keeps at most maxEntries, dropping the least recently used", () => {
    const cache = new TokenCache({ maxEntries: 3, ttlMs: 60_000 });
    for (const n of [1, 2, 3]) cache.remember(`hash-${n}`, viewer(n), cache.stamp());
    expect(cache.get("hash-1")).toEqual(viewer(1));
    cache.remember("hash-4", viewer(4), cache.stamp());
    expect(cache.size).toBe(3);
    expect(cache.get("hash-2")).toBeUndefined();
    expect(cache.get("hash-1")).toEqual(viewer(1));
    expect(cache.get("hash-3")).toEqual(viewer(3));
    expect(cache.get("hash-4")).toEqual(viewer(4));
    for (let n = 5; n < 1_000; n++) cache.remember(`hash-${n}`, viewer(n), cache.stamp());
    expect(cache.size).toBe(3);
  });

  it("trusts an entry for ttlMs only", () => {
    const time = clock();
    const cache = new TokenCache({ maxEntries: 10, ttlMs: 5_000, now: time.now });
    cache.remember("hash-1", viewer(1), cache.stamp());
    time.advance(4_999);
    expect(cache.get("hash-1")).toEqual(viewer(1));
    time.advance(1);
    expect(cache.get("hash-1")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("forgets a revoked token at once and keeps the others", () => {
    const cache = new TokenCache({ maxEntries: 10, ttlMs: 60_000 });
    cache.remember("hash-1", viewer(1), cache.stamp());
    cache.remember("hash-2", viewer(2), cache.stamp());
    cache.forgetToken("token-1");
    expect(cache.get("hash-1")).toBeUndefined();
    expect(cache.get("hash-2")).toEqual(viewer(2));
    cache.forgetToken("token-unknown");
    expect(cache.get("hash-2")).toEqual(viewer(2));
  });

  it("does not cache a lookup that was running when a revocation arrived", () => {
    const cache = new TokenCache({ maxEntries: 10, ttlMs: 60_000 });
    const stamp = cache.stamp();
    // The lookup read the row before the revocation committed; its answer is stale.
    cache.forgetToken("token-1");
    cache.remember("hash-1", viewer(1), stamp);
    expect(cache.get("hash-1")).toBeUndefined();
    cache.remember("hash-1", viewer(1), cache.stamp());
    expect(cache.get("hash-1")).toEqual(viewer(1));
  });

  it("hands out frozen viewers, shared by every request of the token", () => {
    const cache = new TokenCache({ maxEntries: 10, ttlMs: 60_000 });
    cache.remember("hash-1", viewer(1), cache.stamp());
    expect(Object.isFrozen(cache.get("hash-1"))).toBe(true);
  });

  it("refuses bounds that would make it unbounded or useless", () => {
    for (const maxEntries of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new TokenCache({ maxEntries, ttlMs: 1_000 })).toThrow(/maxEntries >= 1/);
    }
    for (const ttlMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new TokenCache({ maxEntries: 10, ttlMs })).toThrow(/ttlMs > 0/);
    }
  });
});
