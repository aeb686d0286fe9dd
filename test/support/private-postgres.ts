import { execFile } from "node:child_process";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust). */
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the cluster and removes its folder. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of the test's own, in a temporary folder on a free port, so the test can
 * stop and start it without touching the shared server. PostgreSQL refuses to run as root, so as
 * root the folder is given to the postgres user and the tools run as that user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), "livesnap-pg-"));
  const asRoot = process.getuid?.() === 0;
  const pgUser = asRoot ? (await run("id", ["-u", "postgres"])).stdout.trim() : undefined;
  if (asRoot) await chown(dir, Number(pgUser), Number((await run("id", ["-g", "postgres"])).stdout.trim()));
  const tool = (name: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", `${BIN}/${name}`, ...args]) : run(`${BIN}/${name}`, args);
  const data = path.join(dir, "data");
  await tool("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;
  const cluster: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await tool("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
      running = true;
    },
    async stop() {
      if (!running) return;
      await tool("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
      running = false;
    },
    async destroy() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
