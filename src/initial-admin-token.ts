import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "./db/client";
import { createInitialAdminToken } from "./domain/api-tokens";
import type { Logger } from "./logger";

export const INITIAL_ADMIN_TOKEN_FILE = "initial-admin-token";

/** Readable by its owner only; written whole under another name first, so it is never half there. */
async function writeSecretFile(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, content, { mode: 0o600, flag: "wx" });
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * The first start on an empty database (without BOOTSTRAP_ADMIN_TOKEN) leaves a token in
 * DATA_DIR/initial-admin-token and says in one line where it is and how GraphiQL takes it.
 */
export async function provideInitialAdminToken(deps: { db: Database; dataDir: string; graphqlUrl: string; logger: Logger }): Promise<string | null> {
  const file = path.join(path.resolve(deps.dataDir), INITIAL_ADMIN_TOKEN_FILE);
  const token = await createInitialAdminToken(deps.db, (secret) => writeSecretFile(file, `${secret}\n`));
  if (token) {
    deps.logger.info(
      { tokenFile: file },
      `first start: an OPERATOR and ADMIN token of account "default" is in ${file} (cat it); in GraphiQL at ${deps.graphqlUrl} put {"Authorization": "Bearer <that token>"} in the Headers tab`,
    );
  }
  return token;
}
