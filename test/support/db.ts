import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "../../src/db/client";

/**
 * The suite runs against embedded PGlite by default, and against a PostgreSQL server when
 * TEST_DATABASE_URL names one: each caller then gets a database of its own, dropped on close.
 */
export function testDatabaseKind(): "pglite" | "postgres" {
  return process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
}

async function onServer(serverUrl: string, statement: string) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh, empty PostgreSQL database for one test file; undefined on PGlite runs. */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `livesnap_test_${randomBytes(6).toString("hex")}`;
  await onServer(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`) };
}

export async function createTestDatabase(): Promise<DatabaseHandle> {
  const server = await createServerDatabase();
  if (!server) {
    const handle = await openDatabase({});
    await handle.migrate();
    return handle;
  }
  const handle = await openDatabase({ url: server.url, maxConnections: 5 });
  await handle.migrate();
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await server.drop();
    },
  };
}
