import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports";

const NGINX = "/usr/sbin/nginx";
const RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

export interface NginxRtmpOptions {
  /** Full hook URL including ?secret=, as an operator would write it. */
  hookUrl: string;
  /** Also send on_done, which nginx-rtmp fires for players as well as publishers. */
  onDone?: boolean;
  /** RTMP port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** Each stream holds two connections (publisher, capture) and each hook call one: 64 serves ~30 streams. */
  workerConnections?: number;
  /** error_log level; default info. */
  errorLogLevel?: "info" | "warn" | "error";
}

export interface NginxRtmp {
  /** RTMP port on 127.0.0.1, application `live`. */
  port: number;
  pid: number;
  /** What nginx has written to its error log so far. */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/** An nginx.conf with only the rtmp module: application `live` on 127.0.0.1:port, hooks to hookUrl. */
export function nginxRtmpConfig(options: NginxRtmpOptions & { port: number; dir: string }): string {
  return [
    `load_module ${RTMP_MODULE};`,
    "daemon off;",
    "master_process off;",
    "worker_processes 1;",
    `pid ${join(options.dir, "nginx.pid")};`,
    `error_log ${join(options.dir, "error.log")} ${options.errorLogLevel ?? "info"};`,
    `events { worker_connections ${options.workerConnections ?? 64}; }`,
    "rtmp {",
    "  server {",
    `    listen 127.0.0.1:${options.port};`,
    "    application live {",
    "      live on;",
    "      record off;",
    `      on_publish ${options.hookUrl};`,
    `      on_publish_done ${options.hookUrl};`,
    options.onDone ? `      on_done ${options.hookUrl};` : "",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Runs the real nginx with libnginx-mod-rtmp in the foreground, configured in a temp dir. */
export async function startNginxRtmp(options: NginxRtmpOptions): Promise<NginxRtmp> {
  if (!existsSync(RTMP_MODULE)) throw new Error(`${RTMP_MODULE} is missing: install libnginx-mod-rtmp`);
  const dir = await mkdtemp(join(tmpdir(), "livesnap-nginx-"));
  const port = options.port ?? (await freePort());
  const errorLog = join(dir, "error.log");
  const config = nginxRtmpConfig({ ...options, port, dir });
  const configFile = join(dir, "nginx.conf");
  await writeFile(configFile, config);

  const child = spawn(NGINX, ["-p", dir, "-e", errorLog, "-c", configFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 5000, () => child.exitCode !== null);
  } catch (error) {
    const log = await readFile(errorLog, "utf8").catch(() => "");
    await cleanup();
    throw new Error(`nginx did not start: ${String(error)}\n${stderr}\n${log}`);
  }
  return {
    port,
    pid: child.pid!,
    errorLog: () => readFile(errorLog, "utf8").catch(() => ""),
    stop: cleanup,
  };
}

async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error("nginx exited");
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`);
}
