import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ServerResponse } from "node:http";
import { pathOf, type Route } from "../http-server";
import { contentSecurityPolicy } from "./content-security-policy";

/** Where `npm run build:console` writes the console (vite's outDir). */
export const CONSOLE_DIST_DIR = path.resolve(import.meta.dirname, "../../dist/console");

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

/** Vite names every file under assets/ by its content hash; nothing else is requested. */
const ASSET_PATH = /^\/console\/assets\/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(?:js|css|svg|png|woff2)$/;
const UNHASHED = new Map([
  ["/console/", "index.html"],
  ["/console/index.html", "index.html"],
  ["/console/favicon.svg", "favicon.svg"],
]);

export interface ConsoleRouteOptions {
  distDir?: string;
  /** Origins snapshot images are loaded from besides the page's own (asked per request: known once listening). */
  imageSources: () => readonly string[];
}

/** Serves the built console at /console/ and sends / there; every other path is left to the next route. */
export function consoleRoute(options: ConsoleRouteOptions): Route {
  const distDir = options.distDir ?? CONSOLE_DIST_DIR;
  return async (req, res) => {
    const requestPath = pathOf(req);
    if (requestPath !== "/" && requestPath !== "/console" && !requestPath.startsWith("/console/")) return false;
    const csp = contentSecurityPolicy(options.imageSources());
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      sendText(res, 405, "method not allowed\n", csp);
      return true;
    }
    if (requestPath === "/" || requestPath === "/console") {
      res.writeHead(302, { location: "/console/", "cache-control": "no-cache" });
      res.end();
      return true;
    }
    const hashed = ASSET_PATH.test(requestPath);
    const file = hashed ? requestPath.slice("/console/".length) : UNHASHED.get(requestPath);
    if (!file) {
      sendText(res, 404, "not found\n", csp);
      return true;
    }
    let body: Buffer;
    try {
      body = await readFile(path.join(distDir, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      if (file === "index.html") sendText(res, 503, "the console is not built: run npm run build:console\n", csp);
      else sendText(res, 404, "not found\n", csp);
      return true;
    }
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      // Hashed names change with their content; the index names them, so it is revalidated each time.
      "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
      ...securityHeaders(csp),
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
  };
}

function sendText(res: ServerResponse, status: number, text: string, csp: string) {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-cache",
    ...securityHeaders(csp),
  });
  res.end(text);
}
