import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { accountsTable, type AccountRow } from "../db/schema";
import { badInput, conflict, unauthenticated } from "../errors";
import { pgErrorCode, UNIQUE_VIOLATION } from "./pg-errors";
import { requireOperator, requireViewer, type Viewer } from "./viewer";

const ACCOUNT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

export function assertAccountName(name: string): string {
  if (!ACCOUNT_NAME.test(name)) {
    throw badInput("name", "account name must be 1..63 letters, digits, '_', '.', '-' and start with a letter, digit or '_'");
  }
  return name;
}

export async function createAccount(db: Database, viewer: Viewer | null, name: string): Promise<AccountRow> {
  requireOperator(viewer);
  assertAccountName(name);
  try {
    const [row] = await db.insert(accountsTable).values({ name }).returning();
    return row!;
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION) throw conflict(`an account named "${name}" already exists`, "name");
    throw error;
  }
}

export async function findAccountByName(db: Database, name: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accountsTable).where(eq(accountsTable.name, name));
  return row;
}

/** For start-up and the CLI, which act without a token. */
export async function ensureAccount(db: Database, name: string): Promise<AccountRow> {
  assertAccountName(name);
  await db.insert(accountsTable).values({ name }).onConflictDoNothing({ target: accountsTable.name });
  const row = await findAccountByName(db, name);
  if (!row) throw new Error(`account ${name} could not be created`);
  return row;
}

/** The caller's own account, for a client to show whom a token signs in as. */
export async function viewerAccount(db: Database, viewer: Viewer | null): Promise<AccountRow> {
  const v = requireViewer(viewer);
  const [row] = await db.select().from(accountsTable).where(eq(accountsTable.id, v.accountId));
  if (!row) throw unauthenticated();
  return row;
}
