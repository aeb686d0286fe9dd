import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateInstanceId, INSTANCE_ID_RULE, isValidInstanceId } from "../domain/workers";

export const INSTANCE_ID_FILE = "instance-id";

/**
 * This instance's name, kept in the data directory so that the next start (after a crash too)
 * knows which LIVE rows were its own. Written under a temporary name and linked into place, so
 * that processes starting at once agree on one id and nobody reads a half-written file.
 */
export async function loadOrCreateInstanceId(dataDir: string): Promise<string> {
  const file = join(dataDir, INSTANCE_ID_FILE);
  const existing = await readInstanceId(file);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true });
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, `${generateInstanceId()}\n`, { flag: "wx" });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(temp, { force: true });
  }
  const id = await readInstanceId(file);
  if (!id) throw new Error(`instance id file ${file} vanished while being created`);
  return id;
}

async function readInstanceId(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const id = text.trim();
  if (!isValidInstanceId(id)) {
    throw new Error(`instance id file ${file} must hold ${INSTANCE_ID_RULE}; fix it, or delete it to get a new id (set INSTANCE_ID to choose one)`);
  }
  return id;
}
