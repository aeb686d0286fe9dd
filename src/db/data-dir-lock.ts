import { readFileSync } from "node:fs";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export const LOCK_FILE = "livesnap.lock";

/** Who holds a data directory: a pid and, where /proc tells it, that process's start time. */
export interface LockOwner {
  pid: number;
  /** Clock ticks since boot (field 22 of /proc/PID/stat); tells a reused pid from the owner. */
  startTime: string | null;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another livesnap process (pid ${ownerPid}); its embedded database allows one process: stop that one, or give this one another DATA_DIR or a DATABASE_URL`,
    );
    this.name = "DataDirInUseError";
  }
}

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

/** The start time field of /proc/PID/stat; the command name before it may hold spaces and parentheses. */
export function parseProcStartTime(stat: string): string | null {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const value = fields[19];
  return value !== undefined && /^\d+$/.test(value) ? value : null;
}

export function formatLockFile(owner: LockOwner): string {
  return `${JSON.stringify(owner)}\n`;
}

export function parseLockFile(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isSafeInteger(value.pid) || value.pid! <= 0) return null;
    return { pid: value.pid!, startTime: typeof value.startTime === "string" ? value.startTime : null };
  } catch {
    return null;
  }
}

function startTimeOf(pid: number): string | null {
  try {
    return parseProcStartTime(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/** Locks held by this process, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

function isAlive(owner: LockOwner, file: string): boolean {
  if (owner.pid === process.pid) return heldHere.has(file);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // A container restarted after kill -9 may give the same pid to an unrelated process.
  const now = startTimeOf(owner.pid);
  return owner.startTime === null || now === null || now === owner.startTime;
}

async function readText(file: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Makes this process the only owner of the embedded database in dataDir. A lock left by a
 * process that is gone (kill -9, power loss) is taken over; a live owner's makes this throw
 * DataDirInUseError before anything in the directory is touched.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  const mine = formatLockFile({ pid: process.pid, startTime: startTimeOf(process.pid) });
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await writeFile(file, mine, { flag: "wx", mode: 0o600 });
      heldHere.add(file);
      return { file, release: () => releaseLock(file, mine) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const text = await readText(file);
    if (text === null) continue;
    const owner = parseLockFile(text);
    if (owner && isAlive(owner, file)) throw new DataDirInUseError(dir, owner.pid);
    await moveStaleLockAside(file, text);
  }
  throw new Error(`could not lock DATA_DIR ${dir}: ${LOCK_FILE} keeps changing under this process`);
}

/**
 * Another process may take the same stale lock over at the same moment: the file is moved
 * aside atomically and put back when what was moved is no longer the stale one.
 */
async function moveStaleLockAside(file: string, staleText: string): Promise<void> {
  const aside = `${file}.${process.pid}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    if ((await readText(aside)) !== staleText) await link(aside, file).catch(() => {});
  } finally {
    await rm(aside, { force: true });
  }
}

async function releaseLock(file: string, mine: string): Promise<void> {
  heldHere.delete(file);
  if ((await readText(file)) === mine) await rm(file, { force: true });
}
