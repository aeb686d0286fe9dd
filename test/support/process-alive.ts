/**
 * A pid a test may signal: a positive integer. 0 and negatives address process groups or every
 * process of the user, and undefined means the child never started, so all of them throw.
 */
export function checkedPid(pid: number | null | undefined): number {
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) {
    throw new Error(`refusing to signal pid ${String(pid)}: not a single process`);
  }
  return pid;
}

/** Whether a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number | null | undefined): boolean {
  try {
    process.kill(checkedPid(pid), 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** Sends `signal` to one checked process. */
export function killPid(pid: number | null | undefined, signal: NodeJS.Signals): void {
  process.kill(checkedPid(pid), signal);
}
