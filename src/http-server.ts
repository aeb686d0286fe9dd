import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "./logger";

/** Answers the request and resolves true, or resolves false to let the next route try. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;

/** The largest GraphQL request body accepted; real operations are a few KB. */
export const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;

function send(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function pathOf(req: IncomingMessage): string {
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  return q === -1 ? raw : raw.slice(0, q);
}

/** GET /healthz answers while the process runs; GET /readyz only while `ping` resolves, else 503 with its reason. */
export function healthRoutes(ping: () => Promise<void>, logger: Logger): Route {
  return async (req, res) => {
    const path = pathOf(req);
    if (path === "/healthz") {
      send(res, 200, "ok\n");
      return true;
    }
    if (path === "/readyz") {
      try {
        await ping();
        send(res, 200, "ready\n");
      } catch (err) {
        const reason = err instanceof Error ? err.message : "not ready";
        logger.warn({ err }, `readiness check failed: ${reason}`);
        send(res, 503, `${reason}\n`);
      }
      return true;
    }
    return false;
  };
}

/** Refuses oversized GraphQL bodies before yoga reads them. */
export function bodyLimit(path: string, maxBytes: number): Route {
  return (req, res) => {
    if (pathOf(req) !== path) return false;
    const length = Number(req.headers["content-length"] ?? 0);
    if (length > maxBytes) {
      send(res, 413, `request body is ${length} bytes; at most ${maxBytes} are accepted\n`);
      req.resume();
      return true;
    }
    return false;
  };
}

export function createHttpServer(routes: Route[], logger: Logger): Server {
  const log = logger.child({ module: "http" });
  return createServer(async (req, res) => {
    try {
      for (const route of routes) {
        if (await route(req, res)) return;
      }
      send(res, 404, "not found\n");
    } catch (err) {
      log.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy();
    }
  });
}
