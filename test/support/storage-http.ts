import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ObjectServer {
  baseUrl: string;
  port: number;
  /** Installs the handler; requests it declines get a 404 from the server itself. */
  route(handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>): void;
  close(): Promise<void>;
}

/** A plain node:http server on 127.0.0.1 and an ephemeral port, standing in for livesnap's listener. */
export async function startObjectServer(): Promise<ObjectServer> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) | undefined;
  const server = createServer((req, res) => {
    void (async () => {
      const handled = handler ? await handler(req, res) : false;
      if (!handled) {
        res.writeHead(404, { "Content-Type": "text/plain" });
        res.end("not an object route\n");
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    route(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Sends the request target exactly as given. fetch() and URL would resolve `..` and `%2e%2e`
 * on the client, so traversal attempts would never reach the server.
 */
export function rawRequest(
  port: number,
  path: string,
  method = "GET",
): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
