import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Creates an embedded database and applies the migrations in a short-lived process of its
 * own, whose memory goes back to the system when it exits. Done in the server, PGlite's initdb
 * (a second PGlite instance and initdb.wasm) left ~470 MiB that an idle server's garbage
 * collector never reclaimed, and the first schema ~50 MiB more of touched WebAssembly heap
 * (BENCHMARKS.md, idle memory).
 */
export async function createPgliteDataDirIfMissing(dir: string, migrationsFolder: string): Promise<void> {
  if (existsSync(path.join(dir, "PG_VERSION"))) return;
  const url = (specifier: string) => JSON.stringify(import.meta.resolve(specifier));
  const program = `const { PGlite } = await import(${url("@electric-sql/pglite")});
const { drizzle } = await import(${url("drizzle-orm/pglite")});
const { migrate } = await import(${url("drizzle-orm/pglite/migrator")});
const client = new PGlite(process.argv[1]);
await migrate(drizzle(client), { migrationsFolder: process.argv[2] });
await client.close();`;
  try {
    await run(process.execPath, ["--input-type=module", "-e", program, dir, migrationsFolder], { timeout: 300_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`could not create the embedded database in ${dir}${stderr ? `: ${stderr}` : ""}`);
  }
}
