import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "./ports";
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

const CLI = path.resolve(__dirname, "../../src/cli.ts");

export interface Run {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
  /** Resolves once a line of output matches; rejects when the process exits first or on timeout. */
  line(pattern: RegExp, timeoutMs: number): Promise<string>;
}

function run(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners = new Set<() => void>();
  const append = (chunk: string) => {
    text += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout!.setEncoding("utf8").on("data", append);
  child.stderr!.setEncoding("utf8").on("data", append);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const listener of listeners) listener();
  });
  return {
    child,
    exited,
    output: () => text,
    line: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = text.split("\n").find((l) => pattern.test(l));
          if (found !== undefined) done(() => resolve(found));
          else if (gone) done(() => reject(new Error(`exited before printing ${pattern}:\n${text}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no line ${pattern} within ${timeoutMs} ms:\n${text}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
  };
}

export interface Livesnap extends Run {
  url: string;
  env: Record<string, string>;
}

/** `npm start` as a user runs it, on a free HTTP port of 127.0.0.1 (RTMP disabled unless `env` sets RTMP_PORT). */
export async function startLivesnap(env: Record<string, string>): Promise<Livesnap> {
  // RTMP off unless a test asks for it: a port picked free now may be taken by the time a slow start binds it.
  const full = { HOST: "127.0.0.1", PORT: String(await freePort()), RTMP_PORT: "0", LOG_LEVEL: "info", ...env };
  return { ...run([MAIN], full), url: `http://127.0.0.1:${full.PORT}`, env: full };
}

/** `npm run cli -- ...args`. */
export function runCli(args: string[], env: Record<string, string>): Run {
  return run([CLI, ...args], env);
}

/** Stops a livesnap this test started (its own child only) and waits for its exit code. */
export async function stopLivesnap(run: Run, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
  return run.exited;
}
