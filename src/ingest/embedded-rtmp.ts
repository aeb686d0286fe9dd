import { createServer, isIPv6, type AddressInfo, type Server, type Socket } from "node:net";
import Context from "node-media-server/src/core/context.js";
import nmsLogger from "node-media-server/src/core/logger.js";
import type { Logger } from "../logger";
import type { Counter, MetricsRegistry } from "../metrics";
import { CAPTURE_TOKEN_PARAM, createCaptureTokens } from "./capture-token";
import { clientAddress, ConnectionTally, type ConnectionLimits, type ConnectionTicket } from "./connection-tally";
import { RtmpConnection, type PublishTarget, type RtmpTimeouts, type StreamRequest } from "./rtmp-connection";
import type { MessageLimits } from "./rtmp-message-guard";
import { deriveStreamAddress } from "./stream-address";
import type { StreamLifecycle, StreamSignal } from "./types";

/** What one connection may cost; the RTMP_* variables of the README. */
export type RtmpLimits = RtmpTimeouts & ConnectionLimits & MessageLimits;

export interface EmbeddedRtmpOptions {
  host: string;
  /** 0 picks a free port; read it from `port` after start(). */
  port: number;
  defaultPushDomain: string;
  lifecycle: StreamLifecycle;
  logger: Logger;
  limits: RtmpLimits;
  /** Where the ingest registers its connection, refusal and timeout metrics. */
  metrics: MetricsRegistry;
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

/**
 * RTMP ingest on node-media-server 4 inside this process. livesnap owns the listener and hands
 * each connection to node-media-server's RtmpSession, instead of running NodeMediaServer itself,
 * because NodeMediaServer calls process.exit() when its port is taken and opens a JSON store in
 * the working directory. Publishes are reported from
 * the session's socket: node-media-server's own donePublish comes 30 s after the publisher left.
 *
 * Streams are kept under `/{domain}/{app}/{stream}`, so two push domains' `live/cam1` are two
 * streams. Each accepted publish hands its video tags to capture directly (the signal's `tags`).
 * The only player served is a read of that path with a token of this process (see
 * capture-token.ts); with no player, node-media-server does no per-frame work (lean-broadcast.ts).
 */
export function createEmbeddedRtmpServer(options: EmbeddedRtmpOptions): EmbeddedRtmpServer {
  const log = options.logger.child({ module: "embedded-rtmp" });
  const { limits, metrics } = options;
  const connections = new Set<RtmpConnection>();
  const tally = new ConnectionTally(limits);
  const tickets = new WeakMap<RtmpConnection, ConnectionTicket>();
  const tokens = createCaptureTokens();
  const pending = new Set<Promise<void>>();
  let server: Server | undefined;
  let boundPort = options.port;
  let boundHost = "127.0.0.1";

  metrics.gauge("livesnap_rtmp_connections", "Open connections to the embedded RTMP ingest.", () => connections.size);
  const refused = metrics.counter(
    "livesnap_rtmp_refused_total",
    "Connections the embedded RTMP ingest refused or closed for breaking a rule, by reason.",
  );
  const timeouts = metrics.counter(
    "livesnap_rtmp_timeouts_total",
    "Embedded RTMP connections closed for taking too long, by phase (handshake, publish, idle).",
  );

  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  function resolvePublish(request: StreamRequest, tcUrl: string | undefined): PublishTarget {
    const address = deriveStreamAddress(
      { app: request.app, stream: request.name, tcUrl, query: queryOf(request.query) },
      options.defaultPushDomain,
    );
    return { streamPath: `/${address.domain}/${address.app}/${address.stream}`, address };
  }

  function authorizePlay(streamPath: string, token: string | undefined): boolean {
    if (token === undefined) return false;
    const broadcast = Context.broadcasts.get(streamPath);
    if (broadcast === undefined || broadcast.getPublishStatus() !== "publishing" || broadcast.publisher === null) return false;
    return tokens.verify(streamPath, broadcast.publisher.id, token);
  }

  function onPublish(connection: RtmpConnection, target: PublishTarget): void {
    const pullUrl = `rtmp://${boundHost}:${boundPort}${target.streamPath}`;
    const token = tokens.sign(target.streamPath, connection.id);
    report(connection, {
      source: "embedded",
      ...target.address,
      pullUrl,
      captureUrl: `${pullUrl}?${CAPTURE_TOKEN_PARAM}=${token}`,
      tags: connection.tags,
      clientId: connection.id,
    });
  }

  /** Connections whose publish the lifecycle refused: it counted the refusal already. */
  const refusedByLifecycle = new WeakSet<RtmpConnection>();

  function report(connection: RtmpConnection, signal: StreamSignal): void {
    const where = { session: connection.id, domain: signal.domain, app: signal.app, stream: signal.stream };
    // Resolves true once the publish is recorded; false when it was refused or failed (no unpublish owed).
    const published = options.lifecycle.published(signal).then(
      (decision) => {
        if (decision.accepted) {
          log.info(where, "stream published");
          connection.accept();
          return true;
        }
        refusedByLifecycle.add(connection);
        connection.refuse(decision.reason, `publish refused: ${decision.message}`, where);
        return false;
      },
      (error: unknown) => {
        log.error({ ...where, err: error }, "lifecycle failed on publish; closing it");
        connection.close("the publish could not be recorded");
        return false;
      },
    );
    track(published.then(() => undefined));
    // "close" fires once per socket, so each publish is reported unpublished exactly once.
    connection.socket.once("close", () => {
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
    const address = clientAddress(socket.remoteAddress);
    const ticket = tally.admit(address);
    if (typeof ticket === "string") {
      refused.inc({ reason: ticket });
      log.debug({ address, reason: ticket }, "connection refused at accept: too many connections");
      socket.destroy();
      return;
    }
    // node-media-server answers each command with several small writes; with Nagle on, each
    // waits for the client's delayed ACK, and a publish took ~200 ms to set up.
    socket.setNoDelay(true);
    const connection = new RtmpConnection(socket, {
      limits,
      log,
      onRefused: (reason) => {
        refused.inc({ reason });
        if ((reason === "invalid_name" || reason === "already_live") && !refusedByLifecycle.has(connection)) {
          options.publishRefusals?.inc({ source: "embedded", reason });
        }
      },
      onTimeout: (phase) => timeouts.inc({ phase }),
      resolvePublish,
      onPublish,
      authorizePlay,
      // Capture's own reads are not clients: they leave the tally, so no flood can hold them back once admitted.
      onPlay: (player) => tickets.get(player)?.release(),
    });
    connections.add(connection);
    tickets.set(connection, ticket);
    socket.once("close", () => {
      connections.delete(connection);
      ticket.release();
    });
    connection.start();
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
      log.info({ host: options.host, port: boundPort }, "embedded RTMP ingest listening");
    },

    async stop() {
      const listener = server;
      if (listener === undefined) return;
      server = undefined;
      const closed = [new Promise<void>((resolve) => listener.close(() => resolve()))];
      for (const connection of connections) {
        // The listener's close callback can run before the sockets' "close" events that report unpublishes.
        closed.push(new Promise<void>((resolve) => connection.socket.once("close", () => resolve())));
        connection.destroy("the ingest stopped");
      }
      await Promise.all(closed);
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
