import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { acquireDataDirLock } from "./data-dir-lock";
import { createPgliteDataDirIfMissing } from "./pglite-create";
import * as schema from "./schema";

export type Schema = typeof schema;
/** One database type for both drivers: domain code never knows which one it talks to. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface DatabaseHandle {
  db: Database;
  driver: "pglite" | "postgres";
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /**
   * Runs `work` only if this caller gets the session-level advisory lock `key`, held on a
   * connection of its own until `work` settles (a process that dies loses it with its
   * connection); `{ locked: false }` at once when another holder has it.
   */
  withAdvisoryLock<T>(key: number, work: () => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL server; when absent an embedded PGlite database is used. */
  url?: string | undefined;
  /** Folder of the embedded database; absent with no url: in memory (tests). */
  dataDir?: string | undefined;
  /** Pool size for the PostgreSQL driver. */
  maxConnections?: number;
}

/**
 * PostgreSQL settings of the embedded database. PGlite's shared_buffers end up resident, about
 * one MiB of RSS per MB: the default 128 MB grew its WebAssembly heap from 128 to 189 MiB, 155
 * MiB of it resident, before the first query. 48 MB stays inside the module's 128 MiB minimum
 * heap and still holds the effectiveTemplate bench's 100,000 bindings, which lost a third of
 * their throughput at 16 MB (BENCHMARKS.md, idle memory).
 */
const PGLITE_SETTINGS = ["shared_buffers=48MB"];
/** Advisory lock held while migrating a PostgreSQL server ("lsmg"). */
export const MIGRATION_LOCK_KEY = 0x6c736d67;
/** How long an instance waits for another one's migration before giving up. */
const MIGRATION_LOCK_WAIT = "120s";

/**
 * Opens the database. The embedded one in a data directory is first locked for this process
 * (PGlite is one PostgreSQL backend: a second process on the same files corrupts them), and
 * created by a process of its own when it does not exist yet.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      // A server that does not answer fails requests and /readyz in seconds instead of hanging them.
      connect_timeout: 10,
      connection: { application_name: "livesnap" },
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      driver: "postgres",
      // Instances sharing a server may start together (a rolling deploy, a scaled-out set): one
      // migrates while the others wait on the lock, then find nothing left to do.
      migrate: async () => {
        const session = await client.reserve();
        try {
          await session.unsafe(`set lock_timeout = '${MIGRATION_LOCK_WAIT}'`);
          await session`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`;
          try {
            await migratePostgres(drizzlePostgres(client), { migrationsFolder: MIGRATIONS_FOLDER });
          } finally {
            await session`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`;
          }
        } finally {
          await session.unsafe("reset lock_timeout").catch(() => {});
          session.release();
        }
      },
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      withAdvisoryLock: async (key, work) => {
        const session = await client.reserve();
        try {
          const [row] = await session<{ locked: boolean }[]>`select pg_try_advisory_lock(${key}::bigint) as locked`;
          if (!row?.locked) return { locked: false };
          try {
            return { locked: true, value: await work() };
          } finally {
            await session`select pg_advisory_unlock(${key}::bigint)`;
          }
        } finally {
          session.release();
        }
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  let dir: string | undefined;
  let release = async () => {};
  if (options.dataDir) {
    const lock = await acquireDataDirLock(options.dataDir);
    release = lock.release;
    dir = path.resolve(options.dataDir, "pglite");
    try {
      await createPgliteDataDirIfMissing(dir, MIGRATIONS_FOLDER);
    } catch (error) {
      await release();
      throw error;
    }
  }
  const client = new PGlite(dir, {
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ["-c", setting])],
  });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  // PGlite is one session, in which advisory locks are re-entrant: holders in this process
  // (the only one that can open this database) are told apart here.
  const heldLocks = new Set<number>();
  return {
    db,
    driver: "pglite",
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER }),
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    withAdvisoryLock: async (key, work) => {
      if (heldLocks.has(key)) return { locked: false };
      heldLocks.add(key);
      try {
        const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1::bigint) as locked", [key]);
        if (!rows[0]?.locked) return { locked: false };
        try {
          return { locked: true, value: await work() };
        } finally {
          await client.query("select pg_advisory_unlock($1::bigint)", [key]);
        }
      } finally {
        heldLocks.delete(key);
      }
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        await release();
      }
    },
  };
}
