import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { hostOf, refusedAddresses, resolveHost, type ResolveHost } from "../domain/callback-urls";

export const USER_AGENT = "livesnap-callbacks/0.1 (+snapshot.created)";

export interface PostOptions {
  timeoutMs: number;
  /** What is read of a response body (enough for an error message); the rest is not waited for. */
  maxResponseBytes: number;
  allowPrivate: boolean;
  resolve?: ResolveHost;
  agents?: { http: http.Agent; https: https.Agent };
}

export interface PostResult {
  statusCode: number;
  /** At most maxResponseBytes of the body, as text. */
  body: string;
}

/** Why an attempt failed before a response came: the delivery log shows the message. */
export class PostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostError";
  }
}

/**
 * One POST within a deadline that covers the lookup, the connection and the response. The host
 * is resolved here and the request goes to the address checked, never to a second lookup's
 * answer, so a name that changes its address between check and connect (DNS rebinding) cannot
 * reach a refused one. Redirects are not followed: a 3xx is an unsuccessful answer.
 */
export function postCallback(target: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const url = new URL(target);
  const host = hostOf(url);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const timeoutError = () => new PostError(`no complete answer within ${options.timeoutMs} ms`);

  const attempt = async (): Promise<PostResult> => {
    let address: string;
    if (isIP(host)) address = host;
    else {
      const lookup = (options.resolve ?? resolveHost)(host);
      const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener("abort", () => reject(timeoutError())));
      let addresses: string[];
      try {
        addresses = await Promise.race([lookup, aborted]);
      } catch (error) {
        if (timedOut) throw timeoutError();
        throw new PostError(`host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
      if (!options.allowPrivate) {
        const refused = refusedAddresses(addresses);
        if (refused) throw new PostError(`refused: ${host}: ${refused}`);
      }
      if (addresses[0] === undefined) throw new PostError(`host ${host} has no address`);
      address = addresses[0];
    }
    if (!options.allowPrivate) {
      const refused = refusedAddresses([address]);
      if (refused) throw new PostError(`refused: ${refused}`);
    }
    return send(url, address, headers, body, options, controller.signal, timeoutError);
  };
  return attempt().finally(() => clearTimeout(timer));
}

function send(
  url: URL,
  address: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
  signal: AbortSignal,
  timeoutError: () => PostError,
): Promise<PostResult> {
  const secure = url.protocol === "https:";
  const payload = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request({
      method: "POST",
      host: address,
      port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      // The certificate is checked against the name, not the address connected to.
      ...(secure && !isIP(hostOf(url)) ? { servername: hostOf(url) } : {}),
      agent: secure ? options.agents?.https : options.agents?.http,
      headers: {
        ...headers,
        host: url.host,
        "content-type": "application/json",
        "content-length": String(payload.length),
        "user-agent": USER_AGENT,
      },
    });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(error);
    };
    const onAbort = () => fail(timeoutError());
    signal.addEventListener("abort", onAbort, { once: true });
    request.once("error", (error: NodeJS.ErrnoException) =>
      fail(signal.aborted ? timeoutError() : new PostError(error.code ? `${error.code}: ${error.message}` : error.message)),
    );
    request.once("response", (response) => {
      signal.removeEventListener("abort", onAbort);
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        if (settled) return;
        settled = true;
        response.destroy();
        resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8").slice(0, options.maxResponseBytes) });
      };
      response.on("data", (chunk: Buffer) => {
        const room = options.maxResponseBytes - size;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size += chunk.length;
        if (size >= options.maxResponseBytes) finish();
      });
      response.once("end", finish);
      response.once("error", () => finish());
      // Status and headers came in time: a body that trickles past the deadline is not waited for.
      signal.addEventListener("abort", finish, { once: true });
    });
    request.end(payload);
  });
}
