import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { accountsTable, apiTokensTable, type ApiTokenRow } from "../db/schema";
import { notFound } from "../errors";
import { ensureAccount } from "./accounts";
import { isUuid } from "./pagination";
import { requireOperator, type Viewer } from "./viewer";

export type Role = "ADMIN" | "READER";

const TOKEN_PREFIX = "lsk_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
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

/** Looked up on every request, so a revoked token stops working at once. */
export async function authenticate(db: Database, token: string): Promise<Viewer | null> {
  if (!token.startsWith(TOKEN_PREFIX) && token.length < 16) return null;
  const [row] = await db
    .select()
    .from(apiTokensTable)
    .where(and(eq(apiTokensTable.tokenHash, hashToken(token)), isNull(apiTokensTable.revokedAt)));
  if (!row) return null;
  return { tokenId: row.id, accountId: row.accountId, role: row.role, operator: row.operator };
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
