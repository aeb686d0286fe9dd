import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { liveStreamsTable } from "../db/schema";
import { conflict, notFound, rateLimited, serviceUnavailable } from "../errors";
import { assertDomain, assertSegmentName } from "../domain/names";
import { requireAdmin, type Viewer } from "../domain/viewer";
import { CaptureUnavailableError } from "../capture/types";
import type { FrozenTemplate, LiveStreamRow, SnapshotRow } from "../db/schema";
import { contentTypeFor, snapshotKey } from "../domain/object-keys";
import { authorizePublish } from "../domain/publish-authorization";
import { isDatabaseUnavailable } from "../domain/pg-errors";
import {
  claimAbandonedStreams,
  closeLiveStream,
  endHeldLiveStreams,
  openLiveStream,
  recordSnapshot,
  renewLeases,
} from "../domain/streams";
import { newRunOwner } from "../domain/workers";
import type { EventBus } from "../events/event-bus";
import type { CapturedImage, CaptureEngine } from "../capture/types";
import type { TagSource } from "../media/types";
import type { PublishDecision, StreamLifecycle, StreamSignal } from "../ingest/types";
import type { Logger } from "../logger";
import type { Counter } from "../metrics";
import type { ObjectStore } from "../storage/object-store";
import { putWithRetry, type RetryPolicy, type UploadCounters } from "../storage/put-with-retry";

export interface LiveCaptureOptions {
  db: Database;
  store: ObjectStore;
  bus: EventBus;
  logger: Logger;
  /** This instance's stable name: at start, the LIVE rows of its earlier runs are settled at once. */
  instanceId: string;
  /** Lease on held streams in the database; renewed at a third of it. */
  leaseMs?: number;
  uploadRetry?: Partial<RetryPolicy>;
  uploadCounters?: UploadCounters;
  /** Whether a hooked stream left LIVE by an earlier process can still be read; false once aborted. */
  isStillLive(pullUrl: string, signal: AbortSignal): Promise<boolean>;
  /** Counts refused publishes by source and reason. */
  publishRefusals?: Counter;
  /**
   * Work that must commit with the snapshot row, in its transaction (the callback outbox): a
   * crash can then lose neither the row's deliveries nor deliver a row that never committed.
   * Resolves how many follow-ups it queued; onQueued runs after the commit when there are any.
   */
  recordWith?: { inTransaction(tx: Database, snapshot: SnapshotRow): Promise<number>; onQueued(): void };
}

/** On-demand images being made at once, across accounts: each holds a decoder slot ahead of scheduled images. */
const MAX_ON_DEMAND_IN_FLIGHT = 16;

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
   * captureSnapshot (ADMIN): the caller's LIVE stream's newest keyframe as a snapshot, stored
   * with the template's key and announced like any other. NOT_FOUND for a stream of no LIVE
   * publish of the caller's account; CONFLICT while it cannot be captured now.
   */
  captureNow(viewer: Viewer | null, input: { domain: string; app: string; stream: string }): Promise<SnapshotRow>;
  /**
   * Binds the engine (which needs onImage first) and, in the background, settles the streams a
   * gone process left LIVE: embedded ones are ended and hooked ones captured again at once, then
   * hooked ones the media server no longer has are ended once a probe says so (probing can take
   * seconds; start-up does not wait).
   */
  start(engine: CaptureEngine): Promise<void>;
  stop(): Promise<void>;
  /** `<instance>/<run>`: who holds this process's LIVE rows. */
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
  const owner = newRunOwner(options.instanceId);
  const { workerId } = owner;
  /** LIVE rows this worker holds (and renews), captured or only recorded. */
  const held = new Set<string>();
  const captured = new Map<string, CapturedStream>();
  const shutdown = new AbortController();
  let engine: CaptureEngine | null = null;
  let leaseTimer: NodeJS.Timeout | null = null;
  let settling: Promise<void> = Promise.resolve();
  /** Probes of held hooked streams that a refused publish cast doubt on, by row id. */
  const doubted = new Map<string, Promise<void>>();
  let snapshotsRecorded = 0;
  const leaseFromNow = () => new Date(Date.now() + leaseMs);
  let snapshotsUnrecorded = 0;

  /** Captures a recorded live stream; the caller has checked that it has an account, a source id and a template. */
  function capture(row: LiveStreamRow, pullUrl: string, tags?: TagSource) {
    const template = row.template!;
    captured.set(row.id, {
      accountId: row.accountId!,
      domain: row.domain,
      app: row.appName,
      stream: row.streamName,
      sourceId: row.sourceId!,
      template,
    });
    engine?.start({ liveStreamId: row.id, pullUrl, tags, template });
  }

  async function release(ids: string[]) {
    await Promise.all(
      ids.map(async (id) => {
        held.delete(id);
        captured.delete(id);
        await engine?.stop(id);
      }),
    );
  }

  const lifecycle: StreamLifecycle = {
    async published(signal: StreamSignal): Promise<PublishDecision> {
      const decision = await authorizePublish(db, signal, new Date());
      if (!decision.accepted) {
        options.publishRefusals?.inc({ source: signal.source, reason: decision.reason });
        return decision;
      }
      const where = { source: signal.source, domain: signal.domain, app: signal.app, stream: signal.stream };
      const opened = await openLiveStream(db, {
        domain: signal.domain,
        app: signal.app,
        stream: signal.stream,
        source: signal.source,
        pullUrl: signal.pullUrl,
        owner,
        leaseUntil: leaseFromNow(),
      });
      if (opened.settled.length > 0) {
        // Its holder is gone (lease expired, or an earlier run of this instance): its unpublish was lost.
        await release(opened.settled);
        log.info({ ...where, ended: opened.settled }, "ended a LIVE row whose holder is gone");
      }
      if (opened.status === "already_live") {
        const { holder } = opened;
        log.warn(
          { ...where, liveStreamId: holder.id, heldBy: holder.workerId, liveSince: holder.startedAt, liveVia: holder.source },
          "publish refused: the stream is already live",
        );
        if (holder.workerId === workerId) doubtHeldStream(holder);
        options.publishRefusals?.inc({ source: signal.source, reason: "already_live" });
        return {
          accepted: false,
          reason: "already_live",
          message: `stream ${signal.app}/${signal.stream} on ${signal.domain} is already being published`,
        };
      }
      const { stream } = opened;
      held.add(stream.id);
      const recorded = { ...where, liveStreamId: stream.id };
      if (!stream.accountId) {
        log.info(recorded, "published to a domain no account owns: recorded, not captured");
      } else if (!stream.template) {
        log.info(recorded, "no snapshot template applies: recorded, not captured");
      } else {
        log.info({ ...recorded, template: stream.template.name }, "published: capturing");
        capture(stream, signal.pullUrl, signal.tags);
      }
      return { accepted: true };
    },
    async unpublished(signal: StreamSignal) {
      const ended = await closeLiveStream(db, {
        domain: signal.domain,
        app: signal.app,
        stream: signal.stream,
        source: signal.source,
        // An embedded publish exists only in the process that ingests it; a hooked one may have
        // been published through another instance.
        workerId: signal.source === "embedded" ? workerId : undefined,
      });
      await release(ended);
      if (ended.length > 0) log.info({ source: signal.source, domain: signal.domain, app: signal.app, stream: signal.stream }, "unpublished");
    },
  };

  async function onImage(image: CapturedImage): Promise<void> {
    const stream = captured.get(image.liveStreamId);
    if (!stream) return; // ended while its image was being made
    const outcome = await storeAndRecord(stream, image);
    if (outcome.ok) await bus.publishSnapshotCreated(outcome.row);
  }

  /**
   * Stores the image under the stream's key, records its row with the row's follow-ups in one
   * transaction, and counts it. A store that keeps failing or an unreachable database gives no
   * row (logged and counted); anything else unexpected throws.
   */
  async function storeAndRecord(
    stream: CapturedStream,
    image: CapturedImage,
  ): Promise<{ ok: true; row: SnapshotRow } | { ok: false; failed: "store" | "database" }> {
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
      return { ok: false, failed: "store" };
    }
    let row: SnapshotRow;
    let queued = 0;
    try {
      row = await db.transaction(async (tx) => {
        const recorded = await recordSnapshot(tx, {
          accountId: stream.accountId,
          liveStreamId: image.liveStreamId,
          templateId: template.id,
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
        queued = (await options.recordWith?.inTransaction(tx, recorded)) ?? 0;
        return recorded;
      });
    } catch (error) {
      // The image is stored but unlisted; capture goes on and the next interval tries again.
      if (!isDatabaseUnavailable(error)) throw error;
      snapshotsUnrecorded += 1;
      log.warn({ liveStreamId: image.liveStreamId, key, err: error }, "snapshot not recorded: the database is unreachable");
      return { ok: false, failed: "database" };
    }
    snapshotsRecorded += 1;
    if (queued > 0) options.recordWith?.onQueued();
    return { ok: true, row };
  }

  let onDemandInFlight = 0;

  /** captureSnapshot: an image of the stream's newest keyframe, stored, recorded and announced now. */
  async function captureNow(viewer: Viewer | null, input: { domain: string; app: string; stream: string }): Promise<SnapshotRow> {
    const v = requireAdmin(viewer);
    const domain = assertDomain("domain", input.domain);
    const app = assertSegmentName("app", input.app);
    const streamName = assertSegmentName("stream", input.stream);
    const l = liveStreamsTable;
    const [live] = await db
      .select()
      .from(l)
      .where(and(eq(l.accountId, v.accountId), eq(l.domain, domain), eq(l.appName, app), eq(l.streamName, streamName), eq(l.status, "LIVE")))
      .limit(1);
    if (live === undefined) throw notFound(`live stream ${app}/${streamName} on ${domain}`, "stream");
    if (live.template === null) throw conflict("no snapshot template applies to this stream, so it is not captured", "stream");
    const stream = captured.get(live.id);
    if (stream === undefined || engine === null) throw conflict("the stream is not captured by this instance right now", "stream");
    if (onDemandInFlight >= MAX_ON_DEMAND_IN_FLIGHT) throw rateLimited(`${MAX_ON_DEMAND_IN_FLIGHT} on-demand captures are running`, 1);
    onDemandInFlight += 1;
    try {
      let image: CapturedImage;
      try {
        image = await engine.captureNow(live.id);
      } catch (error) {
        if (!(error instanceof CaptureUnavailableError)) throw error;
        if (error.reason === "no_keyframe") throw conflict("no keyframe of the stream has arrived yet; try again in a moment", "stream");
        if (error.reason === "not_captured") throw conflict("the stream is not captured by this instance right now", "stream");
        log.warn({ liveStreamId: live.id, err: error }, "on-demand capture failed");
        throw serviceUnavailable(`the image could not be made: ${error.message}`);
      }
      // The stream may have ended while its image was made.
      if (!captured.has(live.id)) throw conflict("the stream ended while its image was being made", "stream");
      const outcome = await storeAndRecord(stream, image);
      if (!outcome.ok) {
        throw serviceUnavailable(
          outcome.failed === "store" ? "the object store did not take the image; try again shortly" : "the database is unreachable; try again shortly",
        );
      }
      await bus.publishSnapshotCreated(outcome.row);
      return outcome.row;
    } finally {
      onDemandInFlight -= 1;
    }
  }

  /**
   * Claims the LIVE rows of gone holders. Embedded ones are ended: their publishers were connected
   * to the process that died. Hooked ones may still be on their media server: their capture
   * restarts at once, and a probe ends those it cannot read.
   */
  async function settleAbandoned() {
    const claimed = await claimAbandonedStreams(db, owner, leaseFromNow());
    if (claimed.length === 0) return;
    for (const row of claimed) held.add(row.id);
    const embedded = claimed.filter((row) => row.source === "embedded").map((row) => row.id);
    const hooked = claimed.filter((row) => row.source !== "embedded");
    await endHeldLiveStreams(db, workerId, embedded);
    await release(embedded);
    for (const row of hooked) if (isCapturable(row)) capture(row, row.pullUrl!);
    log.info({ endedEmbedded: embedded, resumedHooked: hooked.map((row) => row.id) }, "settling streams a gone process left live");
    const gone: string[] = [];
    await Promise.all(
      hooked.map(async (row) => {
        if (row.pullUrl !== null && (await options.isStillLive(row.pullUrl, shutdown.signal))) {
          log.info({ liveStreamId: row.id, captured: captured.has(row.id) }, "stream still live after its holder left: kept");
        } else if (!shutdown.signal.aborted) {
          gone.push(row.id);
        }
      }),
    );
    const ended = await endHeldLiveStreams(db, workerId, gone);
    await release(gone);
    if (ended.length > 0) log.info({ count: ended.length }, "ended hooked streams their media server no longer has");
  }

  /**
   * A publish was refused for a hooked stream this worker holds. If its media server lost that
   * publish without a word (it restarted without sending publish_done), a probe finds nothing
   * there: the row is ended, so that the publisher's next attempt gets in. The refusal itself
   * does not wait for the probe, and one probe per stream runs at a time.
   */
  function doubtHeldStream(holder: LiveStreamRow) {
    if (holder.source === "embedded" || holder.pullUrl === null || doubted.has(holder.id)) return;
    const probe = options
      .isStillLive(holder.pullUrl, shutdown.signal)
      .then(async (live) => {
        if (live || shutdown.signal.aborted) return;
        const ended = await endHeldLiveStreams(db, workerId, [holder.id]);
        await release(ended);
        if (ended.length > 0) log.info({ liveStreamId: holder.id }, "ended a hooked stream its media server no longer has: its unpublish was lost");
      })
      .catch((err) => log.error({ err, liveStreamId: holder.id }, "could not probe a held stream"))
      .finally(() => doubted.delete(holder.id));
    doubted.set(holder.id, probe);
  }

  /** Extends the leases of every held row; a row held no more (ended or taken over elsewhere) is let go. */
  async function renewHeld() {
    const ids = [...held];
    const kept = new Set(await renewLeases(db, workerId, ids, leaseFromNow()));
    const lost = ids.filter((id) => held.has(id) && !kept.has(id));
    if (lost.length === 0) return;
    log.warn({ liveStreamIds: lost }, "no longer holds these live streams (ended or taken over elsewhere): capture stopped");
    await release(lost);
  }

  return {
    lifecycle,
    onImage,
    captureNow,
    workerId,
    get snapshotsRecorded() {
      return snapshotsRecorded;
    },
    get snapshotsUnrecorded() {
      return snapshotsUnrecorded;
    },
    async start(boundEngine) {
      engine = boundEngine;
      log.info({ workerId }, "holding live streams as this worker");
      settling = settleAbandoned().catch((err) => log.error({ err }, "could not settle streams left live"));
      leaseTimer = setInterval(() => {
        renewHeld().catch((err) => log.error({ err }, "could not renew stream leases"));
      }, Math.max(1000, Math.floor(leaseMs / 3)));
      leaseTimer.unref();
    },
    async stop() {
      if (leaseTimer) clearInterval(leaseTimer);
      shutdown.abort();
      await Promise.all([settling, ...doubted.values()]);
      const ids = [...held];
      await release(ids);
      // Hooked streams stay live on their media server; whoever starts next takes them over at once.
      await renewLeases(db, workerId, ids, new Date(0)).catch((err) => log.warn({ err }, "could not release capture leases"));
    },
  };
}

/** A row with everything a capture needs: an owning account, its source id and a frozen template. */
function isCapturable(row: LiveStreamRow): boolean {
  return row.accountId !== null && row.sourceId !== null && row.template !== null && row.pullUrl !== null;
}
