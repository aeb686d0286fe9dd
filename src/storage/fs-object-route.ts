import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Logger } from "../logger";
import { contentTypeOfKey, InvalidObjectNameError, objectPath } from "./object-names";
import { isValidObjectSignature } from "./url-signature";

export const OBJECTS_PATH_PREFIX = "/objects/";

export type ObjectRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Serves `GET|HEAD /objects/<bucket>/<key>?expires=&signature=` for the fs driver. Resolves
 * false when the path is not under /objects/, so the caller can route it elsewhere.
 */
export function createObjectRequestHandler(options: {
  rootDir: string;
  signingKey: Buffer;
  logger?: Logger;
}): ObjectRequestHandler {
  const { rootDir, signingKey, logger } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    // The raw target, not a parsed URL: WHATWG parsing would quietly resolve `..` and `%2e%2e`
    // before validation could see and refuse them.
    const target = req.url ?? "/";
    const queryAt = target.indexOf("?");
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    if (!rawPath.startsWith(OBJECTS_PATH_PREFIX)) return false;

    if (req.method !== "GET" && req.method !== "HEAD") {
      reply(res, 405, "method not allowed", { Allow: "GET, HEAD" });
      return true;
    }
    const parsed = parseObjectPath(rawPath.slice(OBJECTS_PATH_PREFIX.length));
    if (!parsed) {
      reply(res, 400, "invalid object path");
      return true;
    }
    const { bucket, key } = parsed;
    let path: string;
    try {
      path = objectPath(rootDir, bucket, key);
    } catch (error) {
      if (!(error instanceof InvalidObjectNameError)) throw error;
      reply(res, 400, "invalid object path");
      return true;
    }

    const query = new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1));
    const expiresText = query.get("expires");
    const signature = query.get("signature");
    if (expiresText === null || signature === null || !/^\d{1,12}$/.test(expiresText)) {
      reply(res, 403, "missing or malformed signature");
      return true;
    }
    const expires = Number(expiresText);
    if (!isValidObjectSignature(signingKey, bucket, key, expires, signature)) {
      reply(res, 403, "invalid signature");
      return true;
    }
    if (Date.now() > expires * 1000) {
      reply(res, 403, "URL expired");
      return true;
    }

    await serveFile(req, res, path, key, expires - Math.floor(Date.now() / 1000));
    return true;
  };
  return async (req, res) => {
    try {
      return await handle(req, res);
    } catch (error) {
      logger?.error({ err: error, url: req.url }, "serving a stored object failed");
      if (!res.headersSent) reply(res, 500, "storage error");
      else res.destroy();
      return true;
    }
  };
}

function parseObjectPath(rest: string): { bucket: string; key: string } | null {
  const slash = rest.indexOf("/");
  if (slash <= 0) return null;
  try {
    return { bucket: decodeURIComponent(rest.slice(0, slash)), key: decodeURIComponent(rest.slice(slash + 1)) };
  } catch {
    return null;
  }
}

async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  key: string,
  secondsLeft: number,
): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") {
      reply(res, 404, "no such object");
      return;
    }
    throw error;
  }
  // Reading through the opened handle keeps serving the complete old image even when a
  // coverage-mode overwrite renames a new one into place meanwhile.
  try {
    const stat = await file.stat();
    if (!stat.isFile()) {
      reply(res, 404, "no such object");
      return;
    }
    res.writeHead(200, {
      "Content-Type": contentTypeOfKey(key),
      "Content-Length": stat.size,
      // A browser may keep the image for as long as the URL is valid, and no shared cache may.
      "Cache-Control": `private, max-age=${Math.max(0, secondsLeft)}`,
      "Last-Modified": stat.mtime.toUTCString(),
      "X-Content-Type-Options": "nosniff",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    try {
      await pipeline(file.createReadStream({ autoClose: false }), res);
    } catch {
      // The client went away mid-image; pipeline has already torn the response down.
    }
  } finally {
    await file.close();
  }
}

function reply(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `${message}\n`;
  res.writeHead(status, {
    ...headers,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}
