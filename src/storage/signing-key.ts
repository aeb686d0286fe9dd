import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const SIGNING_KEY_FILE = "url-signing.key";

/**
 * The key that signs fs-driver URLs, kept in the data directory so URLs handed out before a
 * restart stay valid after it. Several processes may start on the same directory at once:
 * the key is written under a temporary name and linked into place, so exactly one key wins
 * and nobody reads a half-written file.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  const existing = await readKey(file);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true });
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(temp, { force: true });
  }
  const key = await readKey(file);
  if (!key) throw new Error(`URL signing key ${file} vanished while being created`);
  return key;
}

async function readKey(file: string): Promise<Buffer | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64,}$/.test(hex) || hex.length % 2 !== 0) {
    throw new Error(
      `URL signing key ${file} is not a hex key of at least 32 bytes; delete it to create a new one (URLs already handed out stop working)`,
    );
  }
  return Buffer.from(hex, "hex");
}
