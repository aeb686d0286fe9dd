import type { AddressInfo } from "node:net";
import path from "node:path";
import { startAdminSocket } from "./admin/admin-socket";
import { assertFfmpegAvailable } from "./capture/ffmpeg-check";
import { createCaptureEngine, type InspectableCaptureEngine } from "./capture/engine";
import { streamIsReadable } from "./capture/probe";
import type { CaptureTunables } from "./capture/tunables";
import type { Config } from "./config";
import { openDatabase, type DatabaseHandle } from "./db/client";
import { ensureBootstrapToken } from "./domain/api-tokens";
import { createInProcessEventBus } from "./events/in-process-bus";
import type { EventBus } from "./events/event-bus";
import { attachGraphQLWebSocket } from "./graphql/ws";
import { createGraphQLServer, GRAPHQL_PATH, type GraphQLServer } from "./graphql/yoga";
import { bodyLimit, createHttpServer, healthRoutes, MAX_GRAPHQL_BODY_BYTES, type Route } from "./http-server";
import { createEmbeddedRtmpServer, type EmbeddedRtmpServer } from "./ingest/embedded-rtmp";
import { createHookHandler } from "./ingest/hooks";
import { provideInitialAdminToken } from "./initial-admin-token";
import type { Logger } from "./logger";
import { createLiveCapture, type LiveCapture } from "./pipeline/live-capture";
import { createFsObjectStore, loadOrCreateSigningKey } from "./storage/fs-store";
import type { ObjectStore } from "./storage/object-store";
import { createUploadCounters, type RetryPolicy } from "./storage/put-with-retry";
import { MetricsRegistry, metricsRoute } from "./metrics";
import { createS3ObjectStore } from "./storage/s3-store";

export interface AppOptions {
  logger: Logger;
  /** Faster capture timing for tests. */
  captureTunables?: Partial<CaptureTunables>;
  uploadRetry?: Partial<RetryPolicy>;
}

export interface App {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Base URL of the HTTP listener, once started. */
  readonly url: string;
  /** Bound RTMP port of the embedded ingest; null when disabled. */
  readonly rtmpPort: number | null;
  readonly database: DatabaseHandle;
  readonly yoga: GraphQLServer;
  readonly bus: EventBus;
  readonly store: ObjectStore;
  readonly liveCapture: LiveCapture;
  /** Every metric served at /metrics; modules register theirs here. */
  readonly metrics: MetricsRegistry;
  /** The capture engine, for inspection (which ffmpeg runs for which stream). */
  readonly engine: InspectableCaptureEngine;
}

/** The composition root: builds every service from the config; nothing else reads it. */
export function createApp(config: Config, options: AppOptions): App {
  const logger = options.logger;
  const bus = createInProcessEventBus();
  let database: DatabaseHandle | undefined;
  let yoga: GraphQLServer | undefined;
  let store: ObjectStore | undefined;
  let liveCapture: LiveCapture | undefined;
  let rtmp: EmbeddedRtmpServer | undefined;
  let ws: { close(): Promise<void> } | undefined;
  let engine: InspectableCaptureEngine | undefined;
  let baseUrl = "";
  /** Ready only once start() has finished: the first token and the admin socket come after listen. */
  let started = false;
  const stops: (() => Promise<void>)[] = [];
  const uploadCounters = createUploadCounters();
  const metrics = new MetricsRegistry();
  metrics.counterFrom("livesnap_uploads_total", "Snapshot images stored in the object store.", () => uploadCounters.uploads);
  metrics.counterFrom("livesnap_upload_retries_total", "Failed upload attempts that were retried.", () => uploadCounters.retries);
  metrics.counterFrom(
    "livesnap_upload_failures_total",
    "Snapshots dropped after the last upload attempt failed.",
    () => uploadCounters.failures,
  );
  metrics.counterFrom(
    "livesnap_snapshots_recorded_total",
    "Snapshots stored, recorded and announced.",
    () => liveCapture?.snapshotsRecorded ?? 0,
  );
  metrics.gauge("livesnap_captured_streams", "Live streams being captured now.", () => engine?.active().length ?? 0);

  const objectRoute: Route = (req, res) =>
    store && "handleObjectRequest" in store
      ? (store as ReturnType<typeof createFsObjectStore>).handleObjectRequest(req, res)
      : false;
  const lateRoutes: Route[] = [];
  const server = createHttpServer(
    [
      healthRoutes(() => (database && started ? database.ping() : Promise.reject(new Error("not started"))), logger),
      bodyLimit(GRAPHQL_PATH, MAX_GRAPHQL_BODY_BYTES),
      (req, res) => {
        if (!yoga || !(req.url ?? "").startsWith(GRAPHQL_PATH)) return false;
        return yoga.handle(req, res).then(() => true);
      },
      objectRoute,
      metricsRoute(metrics),
      async (req, res) => {
        for (const route of lateRoutes) if (await route(req, res)) return true;
        return false;
      },
    ],
    logger,
  );

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not available before start()`);
    return value;
  };

  async function openStore(): Promise<ObjectStore> {
    if (config.storage.driver === "s3") {
      const s = config.storage;
      return createS3ObjectStore({
        endpoint: s.endpoint,
        region: s.region,
        bucket: s.bucket,
        accessKeyId: s.accessKeyId,
        secretAccessKey: s.secretAccessKey,
        forcePathStyle: s.forcePathStyle,
      });
    }
    return createFsObjectStore({
      rootDir: path.join(config.dataDir, "objects"),
      publicBaseUrl: config.publicUrl ?? baseUrl,
      signingKey: await loadOrCreateSigningKey(config.dataDir),
      logger,
    });
  }

  return {
    get url() {
      return baseUrl;
    },
    get rtmpPort() {
      return rtmp ? rtmp.port : null;
    },
    get database() {
      return need(database, "the database");
    },
    get yoga() {
      return need(yoga, "the GraphQL server");
    },
    bus,
    metrics,
    get store() {
      return need(store, "the object store");
    },
    get liveCapture() {
      return need(liveCapture, "capture");
    },
    get engine() {
      return need(engine, "the capture engine");
    },

    async start() {
      const version = await assertFfmpegAvailable(config.ffmpegPath);
      logger.info({ ffmpeg: version }, "ffmpeg found");

      database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
      stops.unshift(() => database!.close());
      await database.migrate();
      if (config.bootstrapAdminToken) await ensureBootstrapToken(database.db, config.bootstrapAdminToken);
      const db = database.db;

      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      stops.unshift(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      baseUrl = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
      if (!config.bootstrapAdminToken) {
        await provideInitialAdminToken({ db, dataDir: config.dataDir, graphqlUrl: `${baseUrl}${GRAPHQL_PATH}`, logger });
      }

      store = await openStore();
      stops.unshift(() => store!.close());

      const ttl = config.signedUrlTtlSeconds;
      yoga = createGraphQLServer({
        db,
        logger,
        services: { bus, signSnapshotUrl: (bucket, key) => store!.signedGetUrl(bucket, key, ttl) },
      });
      ws = attachGraphQLWebSocket({ server, yoga, db, logger });
      stops.unshift(() => ws!.close());
      stops.unshift(() => bus.close());

      liveCapture = createLiveCapture({
        db,
        store,
        bus,
        logger,
        uploadRetry: options.uploadRetry,
        uploadCounters,
        isStillLive: (url) => streamIsReadable(config.ffmpegPath, url, 15_000),
      });
      const capture = liveCapture;
      engine = createCaptureEngine({
        ffmpegPath: config.ffmpegPath,
        logger,
        onImage: (image) => capture.onImage(image),
        ...options.captureTunables,
      });
      stops.unshift(() => engine!.stopAll());
      stops.unshift(() => capture.stop());

      lateRoutes.push(
        createHookHandler({
          secret: config.hookSecret,
          defaultPushDomain: config.defaultPushDomain,
          pullUrls: config.pullUrls,
          lifecycle: capture.lifecycle,
          logger,
        }),
      );

      await capture.start(engine);

      if (config.rtmpPort !== 0) {
        rtmp = createEmbeddedRtmpServer({
          host: config.host,
          port: config.rtmpPort,
          defaultPushDomain: config.defaultPushDomain,
          lifecycle: capture.lifecycle,
          logger,
        });
        await rtmp.start();
        // Stopped first: its publishers' unpublishes still need capture and the database.
        stops.unshift(() => rtmp!.stop());
      }
      if (database.driver === "pglite") {
        // The embedded database has room for this process only: the CLI comes in through here.
        const admin = await startAdminSocket({ dataDir: config.dataDir, db, logger });
        if (admin) stops.unshift(() => admin.close());
      }
      logger.info(
        { graphql: `${baseUrl}${GRAPHQL_PATH}`, rtmp: rtmp ? `rtmp://${config.host}:${rtmp.port}` : "disabled", database: database.driver, storage: store.driver },
        "livesnap started",
      );
      started = true;
    },

    async stop() {
      started = false;
      while (stops.length > 0) {
        const next = stops.shift()!;
        try {
          await next();
        } catch (err) {
          logger.warn({ err }, "error while stopping");
        }
      }
    },
  };
}
