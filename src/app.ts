import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { startAdminSocket } from "./admin/admin-socket";
import { createFrameEngine, type FrameEngineTunables, type InspectableCaptureEngine } from "./capture/frame-engine";
import { RecentSamples, registerCaptureMetrics } from "./capture/capture-metrics";
import { streamIsReadable } from "./capture/probe";
import { createDecoderPool, type DecoderPool } from "./decode/decoder-pool";
import { createRtmpPuller } from "./media/rtmp-client";
import type { Config } from "./config";
import { openDatabase, type DatabaseHandle } from "./db/client";
import { createTokenAuthenticator, ensureBootstrapToken } from "./domain/api-tokens";
import { enqueueSnapshotDeliveries } from "./domain/callback-deliveries";
import { defaultPushUrlBase } from "./domain/push-urls";
import { createInProcessEventBus } from "./events/in-process-bus";
import type { EventBus } from "./events/event-bus";
import { attachGraphQLWebSocket } from "./graphql/ws";
import { createGraphQLServer, GRAPHQL_PATH, type GraphQLServer } from "./graphql/yoga";
import { createAuthGuard } from "./graphql/auth-guard";
import { consoleRoute } from "./console/static-route";
import { imageSourcesOf } from "./console/content-security-policy";
import { createHttpServer, healthRoutes, limitedBodyRoute, MAX_GRAPHQL_BODY_BYTES, type Route } from "./http-server";
import { metricsExposure } from "./metrics-exposure";
import { createEmbeddedRtmpServer, type EmbeddedRtmpServer } from "./ingest/embedded-rtmp";
import { createHookHandler } from "./ingest/hooks";
import { provideInitialAdminToken } from "./initial-admin-token";
import type { Logger } from "./logger";
import { loadOrCreateInstanceId } from "./pipeline/instance-id";
import { createLiveCapture, type LiveCapture } from "./pipeline/live-capture";
import { createRetentionSweep, type RetentionSweep } from "./pipeline/retention-sweep";
import { createFsObjectStore, loadOrCreateSigningKey } from "./storage/fs-store";
import type { ObjectStore } from "./storage/object-store";
import { createUploadCounters, type RetryPolicy } from "./storage/put-with-retry";
import { MetricsRegistry, metricsRoute } from "./metrics";
import { reuseRecentSignatures } from "./storage/recent-signatures";
import { createS3ObjectStore } from "./storage/s3-store";
import type { CallbackTimings } from "./callbacks/backoff";
import { DeliveryWorker } from "./callbacks/delivery-worker";

export interface AppOptions {
  logger: Logger;
  /** Faster capture timing for tests. */
  captureTunables?: Partial<FrameEngineTunables>;
  uploadRetry?: Partial<RetryPolicy>;
  /** Shorter stream leases for tests (default 60 s). */
  streamLeaseMs?: number;
  /** Delay of the first retention sweep (default: a minute, or the interval if shorter). */
  retentionFirstSweepMs?: number;
  /** Object deletes a sweep keeps in flight; s3rver (tests) cannot take concurrent ones in one folder. */
  retentionDeleteConcurrency?: number;
  /** Faster callback timeouts and retries for tests. */
  callbackTimings?: Partial<CallbackTimings>;
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
  /** The shared decoder pool, for inspection (its worker pids, its queue). */
  readonly decoders: DecoderPool;
  /** The capture engine, for inspection (what each captured stream holds). */
  readonly engine: InspectableCaptureEngine;
  /** Base URL of the listener of its own that serves /metrics, when METRICS_PORT is set. */
  readonly metricsUrl: string | null;
  /** Deletes expired images on a timer; `sweep()` runs one at once. */
  readonly retention: RetentionSweep;
}

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${shown}:${address.port}`);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Ready while both the database and the object store answer; the error names the one that does not. */
async function readiness(database: DatabaseHandle, store: ObjectStore): Promise<void> {
  await database.ping().catch((cause: unknown) => Promise.reject(new Error("database unreachable", { cause })));
  await store.ping().catch((cause: unknown) => Promise.reject(new Error("object store unreachable", { cause })));
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
  let ws: ReturnType<typeof attachGraphQLWebSocket> | undefined;
  let engine: InspectableCaptureEngine | undefined;
  let decoders: DecoderPool | undefined;
  let retention: RetentionSweep | undefined;
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
  metrics.counterFrom(
    "livesnap_snapshots_unrecorded_total",
    "Snapshots stored but not recorded because the database was unreachable.",
    () => liveCapture?.snapshotsUnrecorded ?? 0,
  );
  const tagErrors = metrics.counter("livesnap_capture_tag_errors_total", "Video tags of captured streams that could not be used, by reason.");
  const decodeErrors = metrics.counter("livesnap_capture_decode_errors_total", "Scheduled images that could not be decoded.");
  const imageAges = new RecentSamples();
  metrics.gauge("livesnap_captured_streams", "Live streams being captured now.", () => engine?.active().length ?? 0);
  const publishRefusals = metrics.counter("livesnap_publish_refusals_total", "Publishes refused, by ingest source and reason.");

  const rateLimited = metrics.counter("livesnap_rate_limited_total", "Requests refused by a rate limit, by reason.");
  const snapshotsDeleted = metrics.counter(
    "livesnap_snapshots_deleted_total",
    "Snapshot images deleted with their rows, by cause (retention, request).",
  );
  const snapshotDeleteFailures = metrics.counter(
    "livesnap_snapshot_delete_failures_total",
    "Snapshot images the object store would not delete (their rows are kept), by cause.",
  );
  metrics.gauge(
    "livesnap_retention_last_sweep_seconds",
    "When the last retention sweep of this instance finished (Unix time); 0: none yet.",
    () => (retention?.lastSweepAt ? retention.lastSweepAt.getTime() / 1000 : 0),
  );
  // Plain numbers: one of them moves for every subscriber of every event.
  const subscriptionResults = { executed: 0, shared: 0 };
  metrics.counterFrom(
    "livesnap_subscription_executions_total",
    "Executions of a subscription's selection set for an event.",
    () => subscriptionResults.executed,
  );
  metrics.counterFrom(
    "livesnap_subscription_results_shared_total",
    "Subscription results handed on from an identical subscription's execution of the same event.",
    () => subscriptionResults.shared,
  );
  const exposure = metricsExposure(config.metrics, config.host);
  const metricsServer =
    exposure.on === "own-listener" ? createHttpServer([metricsRoute(metrics, { token: exposure.token })], logger) : null;
  let metricsUrl: string | null = null;

  const objectRoute: Route = (req, res) =>
    store && "handleObjectRequest" in store
      ? (store as ReturnType<typeof createFsObjectStore>).handleObjectRequest(req, res)
      : false;
  const lateRoutes: Route[] = [];
  const server = createHttpServer(
    [
      // Ready only once start() has finished: the listener opens before GraphQL, hooks and ingest exist.
      healthRoutes(() => (database && store && started ? readiness(database, store) : Promise.reject(new Error("not started"))), logger),
      // Every request yoga is handed, however its path is spelled, goes through the body limit.
      limitedBodyRoute(
        (req) => yoga !== undefined && (req.url ?? "").startsWith(GRAPHQL_PATH),
        MAX_GRAPHQL_BODY_BYTES,
        (req, res) => yoga!.handle(req, res),
      ),
      objectRoute,
      consoleRoute({ imageSources: () => imageSourcesOf(config, baseUrl) }),
      exposure.on === "main-listener" ? metricsRoute(metrics, { token: exposure.token }) : () => false,
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
    get decoders() {
      return need(decoders, "the decoder pool");
    },
    get metricsUrl() {
      return metricsUrl;
    },
    get retention() {
      return need(retention, "retention");
    },

    async start() {
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

      if (metricsServer && exposure.on === "own-listener") {
        metricsUrl = await listen(metricsServer, exposure.port, exposure.host);
        stops.unshift(() => closeServer(metricsServer));
      } else if (exposure.on === "nowhere") {
        logger.warn("/metrics is not served: HOST is not loopback; set METRICS_TOKEN or METRICS_PORT to serve it");
      }

      const ttl = config.signedUrlTtlSeconds;
      const tokens = createTokenAuthenticator(db, bus);
      stops.unshift(async () => tokens.close());
      const deliveries = new DeliveryWorker({
        db,
        logger,
        metrics,
        signUrl: (bucket, key) => store!.signedGetUrl(bucket, key, ttl),
        allowPrivate: config.callbackAllowPrivate,
        timings: options.callbackTimings,
      });
      deliveries.start();
      stops.unshift(() => deliveries.stop());
      const auth = createAuthGuard(tokens, config.limits, (reason) => rateLimited.inc({ reason }));
      yoga = createGraphQLServer({
        db,
        logger,
        auth,
        maxSubscriptionsPerToken: config.limits.maxSubscriptionsPerToken,
        corsOrigins: config.corsOrigins,
        onSubscriptionResult: (source) => subscriptionResults[source]++,
        services: {
          bus,
          signSnapshotUrl: reuseRecentSignatures((bucket, key) => store!.signedGetUrl(bucket, key, ttl), {
            maxAgeMs: 1_000,
            maxEntries: 10_000,
          }),
          pushUrlBase: () => config.pushUrlBase ?? defaultPushUrlBase(rtmp ? rtmp.port : null),
          allowedBuckets: store.driver === "fs" ? config.fsBuckets : undefined,
          deleteSnapshotObject: async (bucket, key) => {
            try {
              await store!.delete(bucket, key);
            } catch (error) {
              snapshotDeleteFailures.inc({ cause: "request" });
              logger.warn({ err: error, bucket, key }, "could not delete a snapshot's image; its row is kept");
              throw error;
            }
            snapshotsDeleted.inc({ cause: "request" });
          },
          callbackUrlPolicy: { allowPrivate: config.callbackAllowPrivate },
          wakeCallbackDeliveries: () => deliveries.wake(),
          captureSnapshot: (viewer, input) => need(liveCapture, "capture").captureNow(viewer, input),
        },
      });
      ws = attachGraphQLWebSocket({ server, yoga, auth, logger, limits: config.limits });
      stops.unshift(() => ws!.close());
      stops.unshift(() => bus.close());

      decoders = await createDecoderPool({ workers: config.decoderWorkers, jobTimeoutMs: 10_000, logger });
      stops.unshift(() => decoders!.close());
      const puller = createRtmpPuller();
      liveCapture = createLiveCapture({
        db,
        store,
        bus,
        logger,
        uploadRetry: options.uploadRetry,
        uploadCounters,
        leaseMs: options.streamLeaseMs,
        instanceId: config.instanceId ?? (await loadOrCreateInstanceId(config.dataDir)),
        isStillLive: (url, signal) => streamIsReadable(puller.source(url), 15_000, signal),
        publishRefusals,
        recordWith: {
          inTransaction: (tx, snapshot) => enqueueSnapshotDeliveries(tx, snapshot),
          onQueued: () => deliveries.wake(),
        },
      });
      const capture = liveCapture;
      const pool = decoders;
      engine = createFrameEngine({
        logger,
        decoder: pool,
        pull: (url) => puller.source(url),
        onImage: (image) => capture.onImage(image),
        tunables: options.captureTunables,
        onTagError: (reason) => tagErrors.inc({ reason }),
        onImageMade: (ageMs) => imageAges.add(ageMs),
        onDecodeError: () => decodeErrors.inc(),
      });
      registerCaptureMetrics(metrics, { pool, puller, engine, imageAges });
      stops.unshift(() => engine!.stopAll());
      stops.unshift(() => capture.stop());

      lateRoutes.push(
        createHookHandler({
          secret: config.hookSecret,
          defaultPushDomain: config.defaultPushDomain,
          pullUrls: config.pullUrls,
          lifecycle: capture.lifecycle,
          logger,
          publishRefusals,
        }),
      );

      await capture.start(engine);

      retention = createRetentionSweep({
        database,
        store,
        logger,
        intervalMs: config.retentionSweepMs,
        firstDelayMs: options.retentionFirstSweepMs ?? Math.min(60_000, config.retentionSweepMs),
        deleteConcurrency: options.retentionDeleteConcurrency,
        deleted: snapshotsDeleted,
        failures: snapshotDeleteFailures,
      });
      retention.start();
      stops.unshift(() => retention!.stop());

      if (config.rtmpPort !== 0) {
        rtmp = createEmbeddedRtmpServer({
          host: config.host,
          port: config.rtmpPort,
          defaultPushDomain: config.defaultPushDomain,
          lifecycle: capture.lifecycle,
          logger,
          publishRefusals,
          limits: config.rtmpLimits,
          metrics,
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
