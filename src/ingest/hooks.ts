import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger";
import type { Counter } from "../metrics";
import { LivesnapError } from "../errors";
import { HookBodyError, parseMediamtxHook, parseNginxRtmpHook, parseSrsHook, type HookEvent } from "./hook-events";
import { HttpError, readBody, secretMatches, sendText } from "./hook-http";
import { fillPullUrl } from "./pull-url";
import { deriveStreamAddress } from "./stream-address";
import type { IngestSource, StreamLifecycle, StreamSignal } from "./types";

export interface HookHandlerOptions {
  /** HOOK_SECRET; undefined disables every hook endpoint. */
  secret: string | undefined;
  defaultPushDomain: string;
  pullUrls: { nginxRtmp: string; srs: string; mediamtx: string };
  lifecycle: StreamLifecycle;
  logger: Logger;
  /** Counts the publishes refused here (invalid names); the lifecycle counts its own refusals. */
  publishRefusals?: Counter;
}

/** Answers the request and resolves true when its path is under /hooks/; false leaves it to the caller. */
export type HookHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

interface Endpoint {
  source: Exclude<IngestSource, "embedded">;
  parse: (body: string) => HookEvent;
  pullUrl: string;
  /** SRS only counts a publish as allowed when the body is exactly `0`. */
  okBody: string;
  /** What makes this media server refuse the publish. */
  refuseStatus: number;
}

/** nginx-rtmp publishing connections still open, so its on_done (also sent for players) can be told apart. */
const MAX_TRACKED_PUBLISHERS = 10_000;

export function createHookHandler(options: HookHandlerOptions): HookHandler {
  const log = options.logger.child({ module: "ingest-hooks" });
  const endpoints = new Map<string, Endpoint>([
    ["/hooks/nginx-rtmp", { source: "nginx-rtmp", parse: parseNginxRtmpHook, pullUrl: options.pullUrls.nginxRtmp, okBody: "", refuseStatus: 403 }],
    ["/hooks/srs", { source: "srs", parse: parseSrsHook, pullUrl: options.pullUrls.srs, okBody: "0", refuseStatus: 403 }],
    ["/hooks/mediamtx", { source: "mediamtx", parse: parseMediamtxHook, pullUrl: options.pullUrls.mediamtx, okBody: "", refuseStatus: 400 }],
  ]);
  const nginxPublishers = new Set<string>();

  async function handle(req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> {
    const endpoint = endpoints.get(path);
    if (endpoint === undefined) {
      sendText(res, 404, "unknown hook endpoint; use /hooks/nginx-rtmp, /hooks/srs or /hooks/mediamtx\n");
      return;
    }
    if (options.secret === undefined || options.secret === "") {
      sendText(res, 404, "media-server hooks are disabled: set HOOK_SECRET to enable them\n");
      return;
    }
    if (req.method !== "POST") {
      sendText(res, 405, "hooks only accept POST\n", { allow: "POST" });
      return;
    }
    const header = req.headers["x-livesnap-secret"];
    const given = typeof header === "string" ? header : new URLSearchParams(search).get("secret");
    if (given === null || !secretMatches(options.secret, given)) {
      log.warn({ endpoint: path, remote: req.socket.remoteAddress }, "hook refused: missing or wrong secret");
      sendText(res, 401, "missing or wrong hook secret: send it as ?secret= or the X-Livesnap-Secret header\n");
      return;
    }

    let event: HookEvent;
    try {
      event = endpoint.parse(await readBody(req));
    } catch (error) {
      if (error instanceof HttpError || error instanceof HookBodyError) {
        const status = error instanceof HttpError ? error.status : 400;
        log.warn({ endpoint: path, reason: error.message }, "hook refused: malformed request");
        sendText(res, status, `${error.message}\n`);
        return;
      }
      throw error;
    }

    let signal: StreamSignal;
    try {
      const address = deriveStreamAddress(event.reported, options.defaultPushDomain);
      signal = { source: endpoint.source, ...address, pullUrl: fillPullUrl(endpoint.pullUrl, address), clientId: event.clientId };
    } catch (error) {
      if (!(error instanceof LivesnapError)) throw error;
      log.warn({ endpoint: path, action: event.action, field: error.field, reason: error.message }, "publish refused: invalid name");
      if (event.action === "publish") options.publishRefusals?.inc({ source: endpoint.source, reason: "invalid_name" });
      sendText(res, endpoint.refuseStatus, `${error.message}\n`);
      return;
    }

    if (event.action === "publish") {
      const decision = await options.lifecycle.published(signal);
      if (!decision.accepted) {
        log.warn({ source: signal.source, domain: signal.domain, app: signal.app, stream: signal.stream, reason: decision.reason }, `publish refused: ${decision.message}`);
        sendText(res, endpoint.refuseStatus, `${decision.message}\n`);
        return;
      }
      if (endpoint.source === "nginx-rtmp" && event.connection !== undefined) trackPublisher(event.connection);
      log.info({ source: signal.source, domain: signal.domain, app: signal.app, stream: signal.stream }, "stream published");
    } else {
      const isPublisher = event.connection !== undefined && nginxPublishers.delete(event.connection);
      if (event.action === "done" && !isPublisher) {
        sendText(res, 200, endpoint.okBody);
        return;
      }
      await options.lifecycle.unpublished(signal);
      log.info({ source: signal.source, domain: signal.domain, app: signal.app, stream: signal.stream }, "stream unpublished");
    }
    sendText(res, 200, endpoint.okBody);
  }

  function trackPublisher(connection: string): void {
    if (nginxPublishers.size >= MAX_TRACKED_PUBLISHERS) {
      const oldest = nginxPublishers.values().next();
      if (!oldest.done) nginxPublishers.delete(oldest.value);
    }
    nginxPublishers.add(connection);
  }

  return async (req, res) => {
    const url = req.url ?? "/";
    const at = url.indexOf("?");
    const path = at === -1 ? url : url.slice(0, at);
    if (path !== "/hooks" && !path.startsWith("/hooks/")) return false;
    try {
      await handle(req, res, path, at === -1 ? "" : url.slice(at + 1));
    } catch (error) {
      log.error({ err: error, endpoint: path }, "hook failed");
      if (res.headersSent) res.destroy();
      else sendText(res, 500, "livesnap could not handle this hook; see its log\n");
    }
    return true;
  };
}
