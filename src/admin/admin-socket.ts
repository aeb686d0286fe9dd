import { chmod, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import path from "node:path";
import type { Database } from "../db/client";
import type { Logger } from "../logger";
import { runAdminCommand } from "./admin-commands";
import { MAX_ADMIN_REQUEST_BYTES, parseAdminRequest, type AdminResponse } from "./admin-request";

export const ADMIN_SOCKET_FILE = "admin.sock";
/** sun_path holds 108 bytes with its terminating NUL on Linux (104 on macOS). */
const MAX_SOCKET_PATH_BYTES = 103;
const REQUEST_TIMEOUT_MS = 5_000;
const MAX_CONNECTIONS = 4;

export function adminSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), ADMIN_SOCKET_FILE);
}

export function socketPathFits(socketPath: string): boolean {
  return Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH_BYTES;
}

export interface AdminSocket {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * The CLI's way in while livesnap owns the embedded database: a Unix socket in DATA_DIR that
 * only the data directory's user may open (mode 0600). The caller holds the data directory's
 * lock, so a socket file already there was left by a process that is gone.
 */
export async function startAdminSocket(deps: { dataDir: string; db: Database; logger: Logger }): Promise<AdminSocket | null> {
  const log = deps.logger.child({ module: "admin-socket" });
  const socketPath = adminSocketPath(deps.dataDir);
  if (!socketPathFits(socketPath)) {
    log.warn({ socketPath }, "admin socket disabled: its path is too long for a Unix socket; the CLI works only while livesnap is stopped");
    return null;
  }
  await rm(socketPath, { force: true });
  const server = createServer((socket) => serve(socket, deps.db, log));
  server.maxConnections = MAX_CONNECTIONS;
  await listenPrivately(server, socketPath);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => void rm(socketPath, { force: true }).then(() => resolve()));
      }),
  };
}

/** The socket file is created under a umask that leaves it to its owner, then chmod-ed to be sure. */
async function listenPrivately(server: Server, socketPath: string): Promise<void> {
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  await chmod(socketPath, 0o600);
}

function serve(socket: Socket, db: Database, log: Logger): void {
  let received = "";
  let running = false;
  let answered = false;
  const answer = (response: AdminResponse) => {
    if (answered) return;
    answered = true;
    socket.end(`${JSON.stringify(response)}\n`);
  };
  socket.setEncoding("utf8");
  // A command that has started is let finish, so a token created is never a token lost.
  socket.setTimeout(REQUEST_TIMEOUT_MS, () => {
    if (answered) socket.destroy();
    else if (!running) answer({ ok: false, error: `no complete request within ${REQUEST_TIMEOUT_MS} ms` });
  });
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: string) => {
    if (answered) return;
    received += chunk;
    const end = received.indexOf("\n");
    if (end === -1) {
      if (Buffer.byteLength(received) > MAX_ADMIN_REQUEST_BYTES) answer({ ok: false, error: `request larger than ${MAX_ADMIN_REQUEST_BYTES} bytes` });
      return;
    }
    socket.pause();
    const request = parseAdminRequest(received.slice(0, end));
    if ("error" in request) {
      answer({ ok: false, error: request.error });
      return;
    }
    running = true;
    runAdminCommand(db, request).then(answer, (err: unknown) => {
      log.error({ err }, "admin command failed");
      answer({ ok: false, error: "internal error; see the livesnap log" });
    });
  });
}
