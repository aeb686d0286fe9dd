import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { checkedPid, isAlive, killPid } from "./support/process-alive";

describe("signalling test processes", () => {
  it("refuses pids that address more than one process or none", () => {
    for (const pid of [undefined, null, 0, -1, -4242, 1.5, Number.NaN]) {
      expect(() => checkedPid(pid)).toThrow(/refusing to signal pid/);
      expect(() => isAlive(pid)).toThrow(/refusing to signal pid/);
      expect(() => killPid(pid, "SIGKILL")).toThrow(/refusing to signal pid/);
    }
  });

  it("signals exactly the child it is given", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    await once(child, "spawn");
    const pid = checkedPid(child.pid);
    expect(isAlive(pid)).toBe(true);
    const exited = once(child, "exit");
    killPid(pid, "SIGKILL");
    expect((await exited)[1]).toBe("SIGKILL");
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(process.pid)).toBe(true);
  });
});
