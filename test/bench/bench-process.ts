import { fork, type ChildProcess } from "node:child_process";
import { npmStartNodeFlags } from "./npm-start";

/**
 * A bench server in a process of its own, so that the load generator does not share its event
 * loop. The entry answers one IPC message once listening: { url } or { error }.
 */
export function startBenchProcess(
  entry: string,
  env: Record<string, string>,
  nodeOptions: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(entry, [], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    execArgv: [...npmStartNodeFlags(), ...nodeOptions, ...(process.env.BENCH_SERVER_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench server ${entry} exited with ${code} before listening`)));
    child.once("message", (message: { url?: string; error?: string }) => {
      if (message.url) resolve({ child, url: message.url });
      else reject(new Error(`bench server failed: ${message.error}`));
    });
  });
}

/** Asks the child to stop and waits for its exit; SIGKILL (through its own handle) after 15 s. */
export async function stopBenchProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.send("stop");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
