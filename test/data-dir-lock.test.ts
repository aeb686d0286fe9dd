import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  acquireDataDirLock,
  DataDirInUseError,
  formatLockFile,
  LOCK_FILE,
  parseLockFile,
  parseProcStartTime,
} from "../src/db/data-dir-lock";

describe("lock file and /proc parsing", () => {
  it("reads the start time after a command name holding spaces and parentheses", () => {
    const stat = "4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 2 0 0 20 0 11 0 987654 1000 100";
    expect(parseProcStartTime(stat)).toBe("987654");
    expect(parseProcStartTime("garbage")).toBeNull();
  });

  it("round-trips an owner and rejects anything that is not one", () => {
    expect(parseLockFile(formatLockFile({ pid: 12, startTime: "34" }))).toEqual({ pid: 12, startTime: "34" });
    expect(parseLockFile('{"pid":12}')).toEqual({ pid: 12, startTime: null });
    for (const bad of ["", "12", '{"pid":-1}', '{"pid":"12"}', '{"pid":1.5}', "{"]) expect(parseLockFile(bad)).toBeNull();
  });
});

describe("acquireDataDirLock", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-lock-"));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it("refuses a second owner in the same process and frees the directory on release", async () => {
    const lock = await acquireDataDirLock(dataDir);
    expect(JSON.parse(await readFile(lock.file, "utf8")).pid).toBe(process.pid);
    await expect(acquireDataDirLock(dataDir)).rejects.toThrow(DataDirInUseError);
    await lock.release();
    expect(await readdir(dataDir)).toEqual([]);
    await (await acquireDataDirLock(dataDir)).release();
  });

  it("refuses while another live process owns it, naming its pid", async () => {
    const owner = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const startTime = parseProcStartTime(await readFile(`/proc/${owner.pid}/stat`, "utf8"));
      await writeFile(path.join(dataDir, LOCK_FILE), formatLockFile({ pid: owner.pid!, startTime }));
      const error = await acquireDataDirLock(dataDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataDirInUseError);
      expect((error as Error).message).toContain(`pid ${owner.pid}`);
      expect(JSON.parse(await readFile(path.join(dataDir, LOCK_FILE), "utf8")).pid).toBe(owner.pid);
    } finally {
      owner.kill("SIGKILL");
    }
  });

  it("takes over the lock of a process that is gone, of a reused pid, and an unreadable one", async () => {
    const gone = spawn("true", { stdio: "ignore" });
    await new Promise((resolve) => gone.once("exit", resolve));
    const reused = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      for (const stale of [formatLockFile({ pid: gone.pid!, startTime: null }), formatLockFile({ pid: reused.pid!, startTime: "1" }), "half-writ"]) {
        await writeFile(path.join(dataDir, LOCK_FILE), stale);
        const lock = await acquireDataDirLock(dataDir);
        expect(JSON.parse(await readFile(lock.file, "utf8")).pid).toBe(process.pid);
        await lock.release();
      }
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      reused.kill("SIGKILL");
    }
  });
});
