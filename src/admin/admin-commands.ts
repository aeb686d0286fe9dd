import type { Database } from "../db/client";
import { issueTokenForAccount } from "../domain/api-tokens";
import { LivesnapError } from "../errors";
import type { AdminRequest, AdminResponse } from "./admin-request";

/**
 * What the CLI asks for, run on the database: by the server for a request on its admin socket,
 * by the CLI itself when no server runs. Errors meant for the user keep their message.
 */
export async function runAdminCommand(db: Database, request: AdminRequest): Promise<AdminResponse> {
  try {
    const { token } = await issueTokenForAccount(db, request.account, request.role, request.operator);
    return { ok: true, token };
  } catch (error) {
    if (error instanceof LivesnapError) return { ok: false, error: error.message };
    throw error;
  }
}
