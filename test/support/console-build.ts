import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { CONSOLE_DIST_DIR } from "../../src/console/static-route";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCES = path.join(ROOT, "console");

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir).map((name) => {
      const full = path.join(dir, name);
      const stat = statSync(full);
      return stat.isDirectory() ? newestMtime(full) : stat.mtimeMs;
    }),
  );
}

function builtAt(): number {
  try {
    return statSync(path.join(CONSOLE_DIST_DIR, "index.html")).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds the console when dist/ is missing or older than any of its sources (a second or two). */
export async function ensureConsoleBuilt(): Promise<void> {
  if (builtAt() > newestMtime(SOURCES)) return;
  await promisify(execFile)(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--config", "console/vite.config.ts"], {
    cwd: ROOT,
  });
}
