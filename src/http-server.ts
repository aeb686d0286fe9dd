import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "./logger";
import { newRequestId, withRequestId } from "./request-id";

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

/**
 * Hands a request to `handle` with its body already read, counting bytes as they arrive: a body
 * over `maxBytes` is answered 413 whatever its framing (Content-Length or chunked) and `handle`
 * never runs. The body is left on `req.body`, where the fetch adapter of yoga takes it from.
 */
export function limitedBodyRoute(
  matches: (req: IncomingMessage) => boolean,
  maxBytes: number,
  handle: (req: IncomingMessage & { body?: Buffer }, res: ServerResponse) => Promise<unknown>,
): Route {
  return async (req, res) => {
    if (!matches(req)) return false;
    if (req.method === "GET" || req.method === "HEAD") {
      await handle(req, res);
      return true;
    }
    const body = await readBody(req, maxBytes);
    if (body === TOO_LARGE) {
      refuseTooLarge(req, res, maxBytes);
      return true;
    }
    if (body === ABORTED) return true;
    await handle(Object.assign(req, { body }), res);
    return true;
  };
}

const TOO_LARGE = Symbol("too large");
const ABORTED = Symbol("aborted");

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | typeof TOO_LARGE | typeof ABORTED> {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Buffer | typeof TOO_LARGE | typeof ABORTED) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) done(TOO_LARGE);
      else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onAbort = () => done(ABORTED);
    const onClose = () => {
      if (!req.complete) done(ABORTED);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onClose);
  });
}

/** How much of a refused body is read and dropped so the client sees the 413 rather than a reset. */
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024;
const DRAIN_LIMIT_MS = 5_000;

function refuseTooLarge(req: IncomingMessage, res: ServerResponse, maxBytes: number) {
  const body = `request body is larger than ${maxBytes} bytes; at most ${maxBytes} are accepted\n`;
  // No "Connection: close": node would then reset the socket while the client is still sending,
  // and the client might never read the 413. The rest is read and dropped, within bounds.
  res.writeHead(413, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
  let drained = 0;
  const stop = () => req.socket.destroy();
  const timer = setTimeout(stop, DRAIN_LIMIT_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) stop();
  });
  req.once("close", () => clearTimeout(timer));
  req.resume();
}

/** Longest a client may take to send a whole request (headers and body). */
const REQUEST_TIMEOUT_MS = 60_000;

/** Every response carries `x-request-id`, the id its log lines and masked errors carry too. */
export function createHttpServer(routes: Route[], logger: Logger): Server {
  const log = logger.child({ module: "http" });
  const server = createServer((req, res) => {
    const requestId = newRequestId();
    res.setHeader("x-request-id", requestId);
    return withRequestId(requestId, async () => {
      try {
        for (const route of routes) {
          if (await route(req, res)) return;
        }
        send(res, 404, "not found\n");
      } catch (err) {
        log.error({ err, url: req.url, requestId }, "request failed");
        if (!res.headersSent) send(res, 500, "internal error\n");
        else res.destroy();
      }
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  return server;
}
