import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a request over a plain socket exactly as given: `path` is not normalised, and a body
 * given as chunks goes out with Transfer-Encoding: chunked, no Content-Length. The answer may
 * come before the body is all sent (a 413 does); writing then stops.
 */
export function rawRequest(
  baseUrl: string,
  init: { method: string; path: string; headers?: Record<string, string>; chunks?: Buffer[] },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      { host: url.hostname, port: url.port, method: init.method, path: init.path, headers: init.headers },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunks = init.chunks ?? [];
    let i = 0;
    const writeNext = () => {
      while (i < chunks.length && !answered && !req.destroyed) {
        if (!req.write(chunks[i++]!)) {
          req.once("drain", writeNext);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    writeNext();
  });
}
