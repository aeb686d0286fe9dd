import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface DataDirFile<T> {
  /** The file's name inside the data directory. */
  name: string;
  /** What a new file holds (one line). */
  create(): string;
  /** The file's trimmed text as a value; throws, naming the file, when it is not one. */
  parse(text: string, file: string): T;
  /** Mode of a new file (e.g. 0o600 for a secret). */
  mode?: number;
}

/**
 * A small value kept in the data directory across restarts (a key, an id). Several processes may
 * start on the same directory at once: a new value is written under a temporary name and linked
 * into place, so exactly one wins and nobody reads a half-written file.
 */
export async function loadOrCreateDataDirFile<T>(dataDir: string, spec: DataDirFile<T>): Promise<T> {
  const file = join(dataDir, spec.name);
  const existing = await readDataDirFile(file, spec);
  if (existing !== null) return existing;
  await mkdir(dataDir, { recursive: true });
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, `${spec.create()}\n`, { mode: spec.mode ?? 0o644, flag: "wx" });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(temp, { force: true });
  }
  const value = await readDataDirFile(file, spec);
  if (value === null) throw new Error(`${file} vanished while being created`);
  return value;
}

async function readDataDirFile<T>(file: string, spec: DataDirFile<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return spec.parse(text.trim(), file);
}
