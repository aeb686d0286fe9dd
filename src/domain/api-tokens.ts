import { hash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { accountsTable, apiTokensTable, type ApiTokenRow } from "../db/schema";
import { notFound } from "../errors";
import type { EventBus } from "../events/event-bus";
import { ensureAccount } from "./accounts";
import { isUuid } from "./pagination";
import { TokenCache } from "./token-cache";
import { requireOperator, type Viewer } from "./viewer";

export type Role = "ADMIN" | "READER";

const TOKEN_PREFIX = "lsk_";

/** One-shot `hash`: on every request, a Hash object's set-up cost more than hashing the token. */
export function hashToken(token: string): string {
  return hash("sha256", token, "hex");
}

function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

async function insertToken(db: Database, accountId: string, role: Role, operator: boolean, token: string) {
  const [row] = await db
    .insert(apiTokensTable)
    .values({ accountId, role, operator, tokenHash: hashToken(token) })
    .returning();
  return row!;
}

/** The secret is returned once and only its hash is kept. */
export async function createApiToken(
  db: Database,
  viewer: Viewer | null,
  input: { accountId: string; role: Role },
): Promise<{ token: string; apiToken: ApiTokenRow }> {
  requireOperator(viewer);
  if (!isUuid(input.accountId)) throw notFound("account");
  const [account] = await db.select().from(accountsTable).where(eq(accountsTable.id, input.accountId));
  if (!account) throw notFound("account");
  const token = generateToken();
  return { token, apiToken: await insertToken(db, account.id, input.role, false, token) };
}

export async function revokeApiToken(db: Database, viewer: Viewer | null, id: string): Promise<string> {
  requireOperator(viewer);
  if (!isUuid(id)) throw notFound("API token");
  const [row] = await db
    .update(apiTokensTable)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokensTable.id, id), isNull(apiTokensTable.revokedAt)))
    .returning({ id: apiTokensTable.id });
  if (!row) throw notFound("API token");
  return row.id;
}

/** Longer than any token livesnap issues or an operator would choose; not worth hashing. */
const MAX_TOKEN_LENGTH = 512;

function lookupQuery(db: Database) {
  return db
    .select({
      tokenId: apiTokensTable.id,
      accountId: apiTokensTable.accountId,
      role: apiTokensTable.role,
      operator: apiTokensTable.operator,
    })
    .from(apiTokensTable)
    .where(and(eq(apiTokensTable.tokenHash, sql.placeholder("tokenHash")), isNull(apiTokensTable.revokedAt)))
    .limit(1)
    .prepare("livesnap_authenticate");
}

/** Prepared once per database handle: PostgreSQL then neither parses nor plans the lookup again. */
const prepared = new WeakMap<Database, ReturnType<typeof lookupQuery>>();

function isPlausibleToken(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && (token.startsWith(TOKEN_PREFIX) || token.length >= 16);
}

async function viewerByHash(db: Database, tokenHash: string): Promise<Viewer | null> {
  let query = prepared.get(db);
  if (!query) prepared.set(db, (query = lookupQuery(db)));
  const [row] = await query.execute({ tokenHash });
  return row ?? null;
}

export interface TokenAuthenticator {
  /** The token's viewer, or null when it is unknown, revoked or malformed. */
  authenticate(token: string): Promise<Viewer | null>;
  /** Stops listening for revocations. */
  close(): void;
}

/**
 * Bounds of the default cache. A minute is short enough to be a safety net should a revocation
 * ever go unannounced, and long enough that a busy client's token is looked up about once a minute.
 */
export const TOKEN_CACHE_DEFAULTS = { maxEntries: 10_000, ttlMs: 60_000 } as const;

/**
 * Token checks with a cache of known tokens in front of a prepared lookup. A revocation reaches it
 * through the event bus, the same event that ends the token's subscriptions, so that once the
 * bus carries events between instances, every instance's cache forgets the token too. Unknown
 * tokens are not cached: guessing cannot fill the cache, and a token created a moment ago works.
 */
export function createTokenAuthenticator(
  db: Database,
  revocations: Pick<EventBus, "onTokenRevoked">,
  cache = new TokenCache(TOKEN_CACHE_DEFAULTS),
): TokenAuthenticator {
  const unsubscribe = revocations.onTokenRevoked((tokenId) => cache.forgetToken(tokenId));
  return {
    async authenticate(token) {
      if (!isPlausibleToken(token)) return null;
      const tokenHash = hashToken(token);
      const cached = cache.get(tokenHash);
      if (cached) return cached;
      const stamp = cache.stamp();
      const viewer = await viewerByHash(db, tokenHash);
      if (viewer) cache.remember(tokenHash, viewer, stamp);
      return viewer;
    },
    close: unsubscribe,
  };
}

/** Makes BOOTSTRAP_ADMIN_TOKEN an OPERATOR and ADMIN of account `default`. */
export async function ensureBootstrapToken(db: Database, token: string): Promise<void> {
  const account = await ensureAccount(db, "default");
  await db
    .insert(apiTokensTable)
    .values({ accountId: account.id, role: "ADMIN", operator: true, tokenHash: hashToken(token) })
    .onConflictDoUpdate({
      target: apiTokensTable.tokenHash,
      set: { accountId: account.id, role: "ADMIN", operator: true, revokedAt: null },
    });
}

/** For the CLI: a token for an account by name, creating the account when needed. */
export async function issueTokenForAccount(
  db: Database,
  accountName: string,
  role: Role,
  operator = false,
): Promise<{ token: string; apiToken: ApiTokenRow }> {
  const account = await ensureAccount(db, accountName);
  const token = generateToken();
  return { token, apiToken: await insertToken(db, account.id, role, operator, token) };
}

/** Any constant: it only has to be the same in every instance that may start at once. */
const INITIAL_TOKEN_LOCK = 7_105_917_315;

/**
 * On a database without any API token, an OPERATOR and ADMIN token of account `default` for the
 * first person to start livesnap; null once any token exists. `keep` writes it down before the
 * token is committed, so a token nobody can read is never created. Instances starting together
 * on one PostgreSQL create one between them.
 */
export async function createInitialAdminToken(db: Database, keep: (token: string) => Promise<void>): Promise<string | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${INITIAL_TOKEN_LOCK})`);
    const [existing] = await tx.select({ id: apiTokensTable.id }).from(apiTokensTable).limit(1);
    if (existing) return null;
    const account = await ensureAccount(tx, "default");
    const token = generateToken();
    await insertToken(tx, account.id, "ADMIN", true, token);
    await keep(token);
    return token;
  });
}
