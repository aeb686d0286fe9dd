import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Database } from "../db/client";
import type { FrozenTemplate, LiveStreamRow, SnapshotRow } from "../db/schema";
import { contentTypeFor, snapshotKey } from "../domain/object-keys";
import { isDatabaseUnavailable } from "../domain/pg-errors";
import {
  claimOrphanedStreams,
  closeLiveStream,
  endLiveStreams,
  openLiveStream,
  recordSnapshot,
  renewLeases,
} from "../domain/streams";
import type { EventBus } from "../events/event-bus";
import type { CapturedImage, CaptureEngine } from "../capture/types";
import type { PublishDecision, StreamLifecycle, StreamSignal } from "../ingest/types";
import type { Logger } from "../logger";
import type { ObjectStore } from "../storage/object-store";
import { putWithRetry, type RetryPolicy, type UploadCounters } from "../storage/put-with-retry";

export interface LiveCaptureOptions {
  db: Database;
  store: ObjectStore;
  bus: EventBus;
  logger: Logger;
  /** Lease on captured streams in the database; renewed at a third of it. */
  leaseMs?: number;
  uploadRetry?: Partial<RetryPolicy>;
  uploadCounters?: UploadCounters;
  /** Whether a hooked stream left LIVE by an earlier process can still be read. */
  isStillLive(pullUrl: string): Promise<boolean>;
}

interface CapturedStream {
  accountId: string;
  domain: string;
  app: string;
  stream: string;
  sourceId: string;
  template: FrozenTemplate;
}

export interface LiveCapture {
  lifecycle: StreamLifecycle;
  /** The capture engine's image handler: store, record, announce. */
  onImage(image: CapturedImage): Promise<void>;
  /**
   * Binds the engine (which needs onImage first) and, in the background, settles streams an
   * earlier process left LIVE: probing a media server can take seconds, start-up does not wait.
   */
  start(engine: CaptureEngine): Promise<void>;
  stop(): Promise<void>;
  readonly workerId: string;
  /** Snapshots stored, recorded and announced since start. */
  readonly snapshotsRecorded: number;
  /** Images stored but not recorded because the database was unreachable. */
  readonly snapshotsUnrecorded: number;
}

export function createLiveCapture(options: LiveCaptureOptions): LiveCapture {
  const { db, store, bus } = options;
  const log = options.logger.child({ module: "streams" });
  const leaseMs = options.leaseMs ?? 60_000;
  const workerId = `${hostname()}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const captured = new Map<string, CapturedStream>();
  const shutdown = new AbortController();
  let engine: CaptureEngine | null = null;
  let leaseTimer: NodeJS.Timeout | null = null;
  let settling: Promise<void> = Promise.resolve();
  let snapshotsRecorded = 0;
  let snapshotsUnrecorded = 0;

  /** Captures a recorded live stream; the caller has checked that it has an account, a source id and a template. */
  function capture(row: LiveStreamRow, pullUrl: string) {
    const template = row.template!;
    captured.set(row.id, {
      accountId: row.accountId!,
      domain: row.domain,
      app: row.appName,
      stream: row.streamName,
      sourceId: row.sourceId!,
      template,
    });
    engine?.start({ liveStreamId: row.id, pullUrl, template });
  }

  async function release(ids: string[]) {
    await Promise.all(
      ids.map(async (id) => {
        captured.delete(id);
        await engine?.stop(id);
      }),
    );
  }

  const lifecycle: StreamLifecycle = {
    async published(signal: StreamSignal): Promise<PublishDecision> {
      const { stream, replaced } = await openLiveStream(db, {
        domain: signal.domain,
        app: signal.app,
        stream: signal.stream,
        source: signal.source,
        pullUrl: signal.pullUrl,
        workerId,
        leaseUntil: new Date(Date.now() + leaseMs),
      });
      await release(replaced);
      const where = { liveStreamId: stream.id, domain: signal.domain, app: signal.app, stream: signal.stream };
      if (!stream.accountId) {
        log.info(where, "published to a domain no account owns: recorded, not captured");
      } else if (!stream.template) {
        log.info(where, "no snapshot template applies: recorded, not captured");
      } else {
        log.info({ ...where, template: stream.template.name }, "published: capturing");
        capture(stream, signal.pullUrl);
      }
      return { accepted: true };
    },
    async unpublished(signal: StreamSignal) {
      const ended = await closeLiveStream(db, { domain: signal.domain, app: signal.app, stream: signal.stream });
      await release(ended);
      if (ended.length > 0) log.info({ domain: signal.domain, app: signal.app, stream: signal.stream }, "unpublished");
    },
  };

  async function onImage(image: CapturedImage): Promise<void> {
    const stream = captured.get(image.liveStreamId);
    if (!stream) return; // ended while ffmpeg was still writing
    const { template } = stream;
    const key = snapshotKey({
      storageMode: template.storageMode,
      sourceId: stream.sourceId,
      appName: stream.app,
      streamName: stream.stream,
      format: image.format,
      capturedAt: image.capturedAt,
    });
    const bucket = template.bucket ?? store.defaultBucket;
    try {
      await putWithRetry(
        store,
        { bucket, key, body: image.data, contentType: contentTypeFor(image.format) },
        { logger: log, policy: options.uploadRetry, counters: options.uploadCounters, signal: shutdown.signal },
      );
    } catch (error) {
      // Already logged and counted; the next interval brings a new image.
      log.warn({ liveStreamId: image.liveStreamId, key, err: error }, "snapshot dropped");
      return;
    }
    let row: SnapshotRow;
    try {
      row = await recordSnapshot(db, {
        accountId: stream.accountId,
        liveStreamId: image.liveStreamId,
        domain: stream.domain,
        appName: stream.app,
        streamName: stream.stream,
        sourceId: stream.sourceId,
        bucket,
        key,
        format: image.format,
        width: image.width,
        height: image.height,
        bytes: image.data.length,
        capturedAt: image.capturedAt,
      });
    } catch (error) {
      // The image is stored but unlisted; capture goes on and the next interval tries again.
      if (!isDatabaseUnavailable(error)) throw error;
      snapshotsUnrecorded += 1;
      log.warn({ liveStreamId: image.liveStreamId, key, err: error }, "snapshot not recorded: the database is unreachable");
      return;
    }
    snapshotsRecorded += 1;
    await bus.publishSnapshotCreated(row);
  }

  async function settleOrphans() {
    const orphans = await claimOrphanedStreams(db, workerId, new Date(Date.now() + leaseMs));
    const ended: string[] = [];
    await Promise.all(
      orphans.map(async (row) => {
        // The embedded ingest died with the process that held it; a hooked media server may still have the stream.
        const resumable =
          row.source !== "embedded" &&
          row.template !== null &&
          row.accountId !== null &&
          row.sourceId !== null &&
          row.pullUrl !== null &&
          (await options.isStillLive(row.pullUrl));
        if (!resumable) {
          ended.push(row.id);
          return;
        }
        log.info({ liveStreamId: row.id }, "stream still live after a restart: capturing again");
        capture(row, row.pullUrl!);
      }),
    );
    await endLiveStreams(db, ended);
    if (ended.length > 0) log.info({ count: ended.length }, "ended streams left live by an earlier process");
  }

  return {
    lifecycle,
    onImage,
    workerId,
    get snapshotsRecorded() {
      return snapshotsRecorded;
    },
    get snapshotsUnrecorded() {
      return snapshotsUnrecorded;
    },
    async start(boundEngine) {
      engine = boundEngine;
      settling = settleOrphans().catch((err) => log.error({ err }, "could not settle streams left live"));
      leaseTimer = setInterval(() => {
        renewLeases(db, workerId, [...captured.keys()], new Date(Date.now() + leaseMs)).catch((err) =>
          log.error({ err }, "could not renew capture leases"),
        );
      }, Math.max(1000, Math.floor(leaseMs / 3)));
      leaseTimer.unref();
    },
    async stop() {
      if (leaseTimer) clearInterval(leaseTimer);
      shutdown.abort();
      await settling;
      const ids = [...captured.keys()];
      await release(ids);
      // Hooked streams stay live on their media server; the next process takes them over at once.
      await renewLeases(db, workerId, ids, new Date(0)).catch((err) => log.warn({ err }, "could not release capture leases"));
    },
  };
}
