import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../src/db/client";
import { apiTokensTable } from "../src/db/schema";
import { createTokenAuthenticator, issueTokenForAccount } from "../src/domain/api-tokens";
import { TokenCache } from "../src/domain/token-cache";
import { createInProcessEventBus } from "../src/events/in-process-bus";
import { createTestDatabase } from "./support/db";

/** Revokes in the database only, as a revocation whose event never arrived would leave things. */
async function revokeSilently(handle: DatabaseHandle, tokenId: string) {
  await handle.db.update(apiTokensTable).set({ revokedAt: new Date() }).where(eq(apiTokensTable.id, tokenId));
}

describe("token authenticator (prepared lookup + cache)", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle.close());

  function setUp(options: { maxEntries?: number; ttlMs?: number } = {}) {
    let now = 1_000_000;
    const bus = createInProcessEventBus();
    const cache = new TokenCache({ maxEntries: options.maxEntries ?? 100, ttlMs: options.ttlMs ?? 60_000, now: () => now });
    const tokens = createTokenAuthenticator(handle.db, bus, cache);
    return { bus, cache, tokens, advance: (ms: number) => (now += ms) };
  }

  it("answers a known token from the cache and forgets it on the revocation event", async () => {
    const { bus, cache, tokens } = setUp();
    const { token, apiToken } = await issueTokenForAccount(handle.db, "cached", "READER");
    expect(await tokens.authenticate(token)).toEqual({ tokenId: apiToken.id, accountId: apiToken.accountId, role: "READER", operator: false });
    expect(cache.size).toBe(1);
    // Revoked in the database without the event: the cached answer still stands ...
    await revokeSilently(handle, apiToken.id);
    expect((await tokens.authenticate(token))?.tokenId).toBe(apiToken.id);
    // ... until the event, which takes effect before its publish resolves.
    await bus.publishTokenRevoked(apiToken.id);
    expect(cache.size).toBe(0);
    expect(await tokens.authenticate(token)).toBeNull();
  });

  it("asks the database again once an entry is older than the TTL", async () => {
    const { tokens, advance } = setUp({ ttlMs: 30_000 });
    const { token, apiToken } = await issueTokenForAccount(handle.db, "ttl", "ADMIN");
    expect(await tokens.authenticate(token)).not.toBeNull();
    await revokeSilently(handle, apiToken.id);
    advance(29_000);
    expect(await tokens.authenticate(token)).not.toBeNull();
    advance(1_000);
    expect(await tokens.authenticate(token)).toBeNull();
  });

  it("refuses unknown, malformed and oversized tokens, and caches none of them", async () => {
    const { cache, tokens } = setUp();
    expect(await tokens.authenticate("lsk_never-issued-0000000000000000000000")).toBeNull();
    expect(await tokens.authenticate("short")).toBeNull();
    expect(await tokens.authenticate(`lsk_${"x".repeat(10_000)}`)).toBeNull();
    expect(cache.size).toBe(0);
    // A token issued right after a failed lookup of the same secret works at once.
    const { token } = await issueTokenForAccount(handle.db, "fresh", "ADMIN");
    expect(await tokens.authenticate(token)).not.toBeNull();
  });

  it("stays within its bound, and an evicted token is looked up again", async () => {
    const { cache, tokens } = setUp({ maxEntries: 3 });
    const issued = [];
    for (let i = 0; i < 5; i++) issued.push(await issueTokenForAccount(handle.db, `bounded-${i}`, "READER"));
    for (const { token } of issued) expect(await tokens.authenticate(token)).not.toBeNull();
    expect(cache.size).toBe(3);
    // The first token was evicted: a silent revocation shows that its next check asks the database.
    await revokeSilently(handle, issued[0]!.apiToken.id);
    expect(await tokens.authenticate(issued[0]!.token)).toBeNull();
    // The last one is still cached.
    await revokeSilently(handle, issued[4]!.apiToken.id);
    expect(await tokens.authenticate(issued[4]!.token)).not.toBeNull();
  });

  it("no longer listens to revocations once closed", async () => {
    const { bus, cache, tokens } = setUp();
    const { token, apiToken } = await issueTokenForAccount(handle.db, "closed", "ADMIN");
    await tokens.authenticate(token);
    tokens.close();
    await bus.publishTokenRevoked(apiToken.id);
    expect(cache.size).toBe(1);
  });
});
