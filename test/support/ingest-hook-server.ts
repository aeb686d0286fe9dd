import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { HookHandler } from "../../src/ingest/hooks";

export interface HookServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** Serves a hook handler on 127.0.0.1 and a free port; anything it declines gets 418. */
export async function startHookServer(handler: HookHandler): Promise<HookServer> {
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end("not a hook");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
