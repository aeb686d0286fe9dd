import { connect } from "node:net";
import { parseAdminResponse, type AdminRequest, type AdminResponse } from "./admin-request";

/** The socket is absent or nobody listens on it: livesnap is not running there. */
export class AdminSocketUnavailable extends Error {}

const MAX_RESPONSE_BYTES = 4096;

/** Sends one request to a running livesnap's admin socket and reads its one-line answer. */
export function sendAdminRequest(socketPath: string, request: AdminRequest, timeoutMs: number): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = "";
    let connected = false;
    socket.setEncoding("utf8");
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`livesnap did not answer on ${socketPath} within ${timeoutMs} ms`)));
    socket.once("connect", () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (received.length > MAX_RESPONSE_BYTES) socket.destroy(new Error(`the answer on ${socketPath} is too large`));
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const gone = !connected && (error.code === "ENOENT" || error.code === "ECONNREFUSED");
      reject(gone ? new AdminSocketUnavailable(error.message) : error);
    });
    socket.once("end", () => {
      const line = received.split("\n")[0] ?? "";
      try {
        resolve(parseAdminResponse(line));
      } catch (error) {
        reject(error);
      }
    });
  });
}
