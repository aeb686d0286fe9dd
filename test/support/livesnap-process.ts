import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { isAlive } from "./process-alive";
import { waitFor } from "./wait";

const MAIN = path.resolve(__dirname, "../../src/main.ts");

export interface LivesnapProcess {
  child: ChildProcess;
  /** Resolves once the process has ended, with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** What it has written to stdout and stderr so far. */
  output(): string;
  /** Waits until /readyz answers 200. */
  ready(timeoutMs: number): Promise<void>;
  /** SIGKILL, only while the pid is still this child's: the process gets no chance to clean up. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean shutdown), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/** `npm start` as a real process (`node --import tsx src/main.ts`) with only the given environment. */
export function startLivesnapProcess(env: Record<string, string>): LivesnapProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (output += c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const signal = (name: NodeJS.Signals) => {
    // Not yet reaped by us, so the pid cannot have been reused by another process.
    if (child.pid !== undefined && running() && isAlive(child.pid)) process.kill(child.pid, name);
  };
  return {
    child,
    exited,
    output: () => output,
    async ready(timeoutMs) {
      const url = `http://${env.HOST ?? "127.0.0.1"}:${env.PORT}/readyz`;
      await waitFor(
        async () => {
          if (!running()) throw new Error(`livesnap exited before it was ready:\n${output}`);
          return (await fetch(url).catch(() => null))?.status === 200;
        },
        timeoutMs,
        "livesnap ready",
      );
    },
    async kill9() {
      signal("SIGKILL");
      await exited;
    },
    async stop() {
      if (!running()) return;
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
