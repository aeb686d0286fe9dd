import { createServer, isIPv6, type AddressInfo, type Server, type Socket } from "node:net";
import Context from "node-media-server/src/core/context.js";
import nmsLogger from "node-media-server/src/core/logger.js";
import RtmpSession from "node-media-server/src/session/rtmp_session.js";
import type { Logger } from "../logger";
import type { Counter } from "../metrics";
import { LivesnapError } from "../errors";
import { deriveStreamAddress } from "./stream-address";
import type { StreamLifecycle, StreamSignal } from "./types";

export interface EmbeddedRtmpOptions {
  host: string;
  /** 0 picks a free port; read it from `port` after start(). */
  port: number;
  defaultPushDomain: string;
  lifecycle: StreamLifecycle;
  logger: Logger;
  /** Counts the publishes refused here (invalid names, already live); the lifecycle counts its own refusals. */
  publishRefusals?: Counter;
}

export interface EmbeddedRtmpServer {
  start(): Promise<void>;
  /** Closes the listener and every connection; resolves once their unpublishes are reported. */
  stop(): Promise<void>;
  /** The bound port once started, the configured one before. */
  readonly port: number;
}

/** A publisher that sends nothing for this long is gone, even if its TCP connection never closed. */
const PUBLISHER_IDLE_MS = 20_000;

/**
 * RTMP ingest on node-media-server 4 inside this process. livesnap owns the listener and hands
 * each connection to node-media-server's RtmpSession, instead of running NodeMediaServer itself,
 * because NodeMediaServer calls process.exit() when its port is taken and opens a JSON store in
 * the working directory. Publishes are reported from
 * the session's socket: node-media-server's own donePublish comes 30 s after the publisher left.
 */
export function createEmbeddedRtmpServer(options: EmbeddedRtmpOptions): EmbeddedRtmpServer {
  const log = options.logger.child({ module: "embedded-rtmp" });
  const sessions = new Set<RtmpSession>();
  const reported = new WeakSet<RtmpSession>();
  const pending = new Set<Promise<void>>();
  let server: Server | undefined;
  let boundPort = options.port;
  let boundHost = "127.0.0.1";

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  const onPrePublish = (session: RtmpSession) => {
    if (!sessions.has(session) || reported.has(session)) return;
    try {
      const signal = signalOf(session);
      if (signal === undefined) {
        session.close();
        return;
      }
      reported.add(session);
      report(session, signal);
    } catch (error) {
      log.error({ err: error, session: session.id }, "publish could not be handled; closing it");
      session.close();
    }
  };

  function signalOf(session: RtmpSession): StreamSignal | undefined {
    let address;
    try {
      const tcUrl = session.rtmp.connectCmdObj?.tcUrl;
      address = deriveStreamAddress(
        {
          app: session.streamApp,
          stream: session.streamName,
          tcUrl: typeof tcUrl === "string" ? tcUrl : undefined,
          query: queryOf(session.streamQuery),
        },
        options.defaultPushDomain,
      );
    } catch (error) {
      if (!(error instanceof LivesnapError)) throw error;
      log.warn({ session: session.id, field: error.field, reason: error.message }, "publish refused: invalid name");
      options.publishRefusals?.inc({ source: "embedded", reason: "invalid_name" });
      return undefined;
    }
    // node-media-server refuses a second publisher on a live path right after this event.
    if (session.broadcast.getPublishStatus() === "publishing") {
      log.warn({ session: session.id, app: address.app, stream: address.stream }, "publish refused: stream already live");
      options.publishRefusals?.inc({ source: "embedded", reason: "already_live" });
      return undefined;
    }
    const pullUrl = `rtmp://${boundHost}:${boundPort}/${address.app}/${address.stream}`;
    return { source: "embedded", ...address, pullUrl, clientId: session.id };
  }

  function report(session: RtmpSession, signal: StreamSignal): void {
    const where = { session: session.id, domain: signal.domain, app: signal.app, stream: signal.stream };
    // Resolves true once the publish is recorded; false when it was refused or failed (no unpublish owed).
    const published = options.lifecycle.published(signal).then(
      (decision) => {
        if (decision.accepted) {
          log.info(where, "stream published");
          return true;
        }
        log.warn({ ...where, reason: decision.reason }, `publish refused: ${decision.message}`);
        session.close();
        return false;
      },
      (error: unknown) => {
        log.error({ ...where, err: error }, "lifecycle failed on publish; closing it");
        session.close();
        return false;
      },
    );
    track(published.then(() => undefined));
    session.socket.setTimeout(PUBLISHER_IDLE_MS, () => {
      log.warn({ session: session.id }, "publisher idle; closing it");
      session.socket.destroy();
    });
    // "close" fires once per socket, so each publish is reported unpublished exactly once.
    session.socket.once("close", () => {
      const unpublished = published.then(async (recorded) => {
        if (!recorded) return;
        try {
          await options.lifecycle.unpublished(signal);
          log.info(where, "stream unpublished");
        } catch (error) {
          log.error({ ...where, err: error }, "lifecycle failed on unpublish");
        }
      });
      track(unpublished);
    });
  }

  function accept(socket: Socket): void {
    const session = new RtmpSession(socket);
    // node-media-server parses client input without guarding it (a malformed tcUrl throws out of
    // the socket's data handler), so a bad client must cost its connection, not the process.
    const parse = session.onData;
    session.onData = (data: Buffer) => {
      try {
        parse(data);
      } catch (error) {
        log.warn({ session: session.id, reason: String(error) }, "closing a connection that sent unparsable RTMP");
        socket.destroy();
      }
    };
    sessions.add(session);
    socket.once("close", () => sessions.delete(session));
    session.run();
  }

  return {
    get port() {
      return boundPort;
    },

    async start() {
      if (server !== undefined) throw new Error("embedded RTMP ingest is already started");
      routeNodeMediaServerLogs(log);
      const listener = createServer(accept);
      await new Promise<void>((resolve, reject) => {
        listener.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, options.host, options.port)));
        listener.listen(options.port, options.host, () => resolve());
      });
      listener.on("error", (error) => log.error({ err: error }, "RTMP listener failed"));
      const bound = listener.address() as AddressInfo;
      boundPort = bound.port;
      boundHost = pullHost(bound.address);
      server = listener;
      Context.eventEmitter.on("prePublish", onPrePublish);
      log.info({ host: options.host, port: boundPort }, "embedded RTMP ingest listening");
    },

    async stop() {
      const listener = server;
      if (listener === undefined) return;
      server = undefined;
      const closed = [new Promise<void>((resolve) => listener.close(() => resolve()))];
      for (const session of sessions) {
        // The listener's close callback can run before the sockets' "close" events that report unpublishes.
        closed.push(new Promise<void>((resolve) => session.socket.once("close", () => resolve())));
        session.socket.destroy();
      }
      await Promise.all(closed);
      Context.eventEmitter.off("prePublish", onPrePublish);
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

function queryOf(query: Record<string, string | string[] | undefined> | undefined): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined) params.append(key, item);
  }
  return params;
}

/** Capture runs on this machine: a wildcard bind is read back over loopback, any other at its address. */
function pullHost(address: string): string {
  if (address === "0.0.0.0" || address === "::") return "127.0.0.1";
  return isIPv6(address) ? `[${address}]` : address;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  if (error.code === "EADDRINUSE") {
    return new Error(`embedded RTMP ingest cannot listen on ${where}: the port is already in use (set RTMP_PORT to a free port, or 0 to disable the embedded ingest)`, { cause: error });
  }
  if (error.code === "EACCES") {
    return new Error(`embedded RTMP ingest cannot listen on ${where}: permission denied (ports below 1024 need privileges)`, { cause: error });
  }
  return new Error(`embedded RTMP ingest cannot listen on ${where}: ${error.message}`, { cause: error });
}

const NMS_LEVELS: Record<string, "trace" | "debug" | "warn"> = {
  trace: "trace",
  debug: "trace",
  info: "debug",
  warn: "warn",
  // node-media-server logs client mistakes (bad names, broken streams) as errors.
  error: "warn",
};

/** node-media-server writes to console.log through one shared logger; send it to ours instead. */
function routeNodeMediaServerLogs(log: Logger): void {
  const child = log.child({ component: "node-media-server" });
  nmsLogger.log = (message: string, level = "info") => {
    child[NMS_LEVELS[level] ?? "debug"](message);
  };
}
