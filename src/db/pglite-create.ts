import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Creates an embedded database in a short-lived process of its own. PGlite runs initdb in a
 * second PGlite instance whose WebAssembly memory and compiled code the garbage collector of an
 * idle server never gives back: created in place, a first start held ~450 MiB more for good.
 */
export async function createPgliteDataDirIfMissing(dir: string): Promise<void> {
  if (existsSync(path.join(dir, "PG_VERSION"))) return;
  const pglite = import.meta.resolve("@electric-sql/pglite");
  const program = `const { PGlite } = await import(${JSON.stringify(pglite)});
const db = new PGlite(process.argv[1]);
await db.waitReady;
await db.close();`;
  try {
    await run(process.execPath, ["--input-type=module", "-e", program, dir], { timeout: 300_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`could not create the embedded database in ${dir}${stderr ? `: ${stderr}` : ""}`);
  }
}
