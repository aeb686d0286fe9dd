import http from "node:http";
import https from "node:https";
import type { Database } from "../db/client";
import type { SnapshotRow } from "../db/schema";
import {
  claimDueDeliveries,
  enqueueSnapshotDeliveries,
  pendingDeliveryStats,
  recordDeliveryAttempts,
  releaseDeliveries,
  type AttemptOutcome,
  type ClaimedDelivery,
} from "../domain/callback-deliveries";
import type { ResolveHost } from "../domain/callback-urls";
import type { Logger } from "../logger";
import type { MetricsRegistry } from "../metrics";
import { DEFAULT_CALLBACK_TIMINGS, nextAttemptAfterFailure, type CallbackTimings } from "./backoff";
import { postCallback } from "./http-post";
import { callbackBody, type SignedUrl } from "./payloads";
import { signWebhook } from "./signature";

export interface DeliveryWorkerOptions {
  db: Database;
  logger: Logger;
  metrics: MetricsRegistry;
  /** A fresh signed URL of the image, minted for each attempt. */
  signUrl(bucket: string, key: string): Promise<SignedUrl>;
  allowPrivate: boolean;
  timings?: Partial<CallbackTimings> | undefined;
  /** Requests in flight at once from this instance. */
  maxInFlight?: number;
  /** Requests in flight at once to one callback, so that one slow receiver holds up no other. */
  maxInFlightPerCallback?: number;
  resolve?: ResolveHost;
}

/** What a response body contributes to the delivery log. */
const MAX_RESPONSE_BYTES = 4096;
const MAX_ERROR_LENGTH = 300;

/**
 * Works off the outbox: claims due deliveries (safe with several instances), posts each one
 * signed, and records the outcome: DELIVERED on 2xx, else PENDING again after a backoff, DEAD once
 * the retries have run for the give-up horizon. Woken by new rows, and polls for retries.
 */
export class DeliveryWorker {
  private readonly timings: CallbackTimings;
  private readonly maxInFlight: number;
  private readonly maxPerCallback: number;
  private readonly log: Logger;
  /** Requests in flight, by callback. */
  private readonly inFlight = new Map<string, number>();
  private inFlightTotal = 0;
  /** Claimed rows not yet sent, by callback. */
  private readonly waiting = new Map<string, { item: ClaimedDelivery; claimedAt: number }[]>();
  private waitingTotal = 0;
  /** A claimed row is due again (for any instance) this long after its claim. */
  private readonly leaseMs: number;
  private readonly maxHeldPerCallback: number;
  private readonly sends = new Set<Promise<void>>();
  private pumping: Promise<void> | null = null;
  private again = false;
  private claimsFailing = false;
  /** The last claim may have left due rows behind: a freed slot should look again. */
  private backlog = false;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  private readonly outcomes;
  private queue = { depth: 0, oldestCreatedAt: null as Date | null };
  /** Outcomes not yet written: a claimed row's lease keeps it from being claimed again meanwhile. */
  private outcomesToWrite: (AttemptOutcome & { id: string })[] = [];
  private writing: Promise<void> | null = null;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.timings = { ...DEFAULT_CALLBACK_TIMINGS, ...options.timings };
    this.maxInFlight = options.maxInFlight ?? 64;
    this.maxPerCallback = options.maxInFlightPerCallback ?? 8;
    this.maxHeldPerCallback = 4 * this.maxPerCallback;
    // Long enough for a full queue of a callback that times out on every request, plus writing outcomes.
    this.leaseMs = 4 * this.timings.timeoutMs + 30_000;
    this.log = options.logger.child({ module: "callbacks" });
    const m = options.metrics;
    this.outcomes = m.counter("livesnap_callback_deliveries_total", "Callback delivery attempts, by outcome (delivered, retry, dead).");
    m.gauge("livesnap_callback_queue_depth", "Callback deliveries pending (due or waiting for a retry).", () => this.queue.depth);
    m.gauge("livesnap_callback_oldest_pending_seconds", "Age of the oldest pending callback delivery.", () =>
      this.queue.oldestCreatedAt ? Math.max(0, (Date.now() - this.queue.oldestCreatedAt.getTime()) / 1000) : 0,
    );
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      this.wake();
      this.refreshQueueStats();
    }, this.timings.pollIntervalMs);
    this.timer.unref();
    this.refreshQueueStats();
    this.wake();
  }

  /** Waits for the requests in flight (each bounded by the timeout); claimed rows not yet sent are due again at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.pumping;
    const unsent = [...this.waiting.values()].flat().map((w) => w.item.delivery.id);
    this.waiting.clear();
    this.waitingTotal = 0;
    await releaseDeliveries(this.options.db, unsent, new Date()).catch((err) =>
      this.log.warn({ err }, "could not release claimed callback deliveries; they fall due when their lease ends"),
    );
    await Promise.all([...this.sends]);
    await this.writing;
    await this.writeOutcomes();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Records one delivery per callback of the snapshot's domain, then sends them at once. */
  async snapshotRecorded(snapshot: SnapshotRow): Promise<void> {
    try {
      if ((await enqueueSnapshotDeliveries(this.options.db, snapshot)) > 0) this.wake();
    } catch (err) {
      this.log.error({ err, snapshotId: snapshot.id }, "could not queue callback deliveries of a snapshot");
    }
  }

  /** Looks for due deliveries now; calls while it looks are folded into one more look. */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .then(() => {
        if (this.claimsFailing) this.log.info("claiming callback deliveries again");
        this.claimsFailing = false;
      })
      .catch((err) => {
        // Once per outage: the poll retries every interval and would repeat it each time.
        if (!this.claimsFailing) this.log.error({ err }, "could not claim callback deliveries; retrying every poll");
        this.claimsFailing = true;
      })
      .finally(() => {
        this.pumping = null;
      });
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      if (this.stopped) return;
      const full = [...new Set([...this.inFlight.keys(), ...this.waiting.keys()])].filter((id) => this.heldBy(id) >= this.maxHeldPerCallback);
      // A claim fetches ahead, up to two rounds of requests, so a freed slot rarely waits for the
      // database. What full callbacks hold does not count: their rows are not claimed, and slow
      // receivers must not use up the others' share.
      const heldByFull = full.reduce((sum, id) => sum + this.heldBy(id), 0);
      const limit = 2 * this.maxInFlight - (this.heldTotal - heldByFull);
      if (limit < this.maxInFlight / 2) {
        // A round of requests is still queued here: claim when a worthwhile batch fits, at a later completion.
        this.backlog = true;
        return;
      }
      const now = new Date();
      const claimed = await claimDueDeliveries(this.options.db, {
        limit,
        now,
        leaseUntil: new Date(now.getTime() + this.leaseMs),
        excludeCallbackIds: full,
      });
      for (const item of claimed) {
        const queue = this.waiting.get(item.callback.id) ?? [];
        queue.push({ item, claimedAt: now.getTime() });
        this.waiting.set(item.callback.id, queue);
        this.waitingTotal += 1;
      }
      this.dispatch();
      // Rows may be waiting beyond this claim's limit, or for a callback that was full.
      this.backlog = claimed.length === limit || full.length > 0;
      if (claimed.length === limit) this.again = true;
    } while (this.again && !this.stopped);
  }

  /** Starts what the bounds allow from the claimed rows, each callback in turn. */
  private dispatch(): void {
    for (const [callbackId, queue] of this.waiting) {
      while (queue.length > 0 && this.inFlightTotal < this.maxInFlight && (this.inFlight.get(callbackId) ?? 0) < this.maxPerCallback) {
        const next = queue.shift()!;
        this.waitingTotal -= 1;
        // A claim held too long here may have been taken by another instance; it is due there, not here.
        if (Date.now() - next.claimedAt < this.leaseMs - this.timings.timeoutMs) this.send(next.item);
      }
      if (queue.length === 0) this.waiting.delete(callbackId);
    }
  }

  private heldBy(callbackId: string): number {
    return (this.inFlight.get(callbackId) ?? 0) + (this.waiting.get(callbackId)?.length ?? 0);
  }

  private get heldTotal(): number {
    return this.inFlightTotal + this.waitingTotal;
  }

  private send(item: ClaimedDelivery): void {
    const callbackId = item.callback.id;
    this.inFlight.set(callbackId, (this.inFlight.get(callbackId) ?? 0) + 1);
    this.inFlightTotal += 1;
    const sending = this.attempt(item)
      .catch((err) => this.log.error({ err, deliveryId: item.delivery.id }, "could not send a callback delivery"))
      .finally(() => {
        const left = (this.inFlight.get(callbackId) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(callbackId);
        else this.inFlight.set(callbackId, left);
        this.inFlightTotal -= 1;
        this.sends.delete(sending);
        if (this.stopped) return;
        this.dispatch();
        if (this.backlog) this.wake();
      });
    this.sends.add(sending);
  }

  private async attempt({ delivery, callback }: ClaimedDelivery): Promise<void> {
    const { snapshot } = delivery;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const signed = await this.options.signUrl(snapshot.bucket, snapshot.key);
      const body = callbackBody(callback.format, { snapshot, occurredAt: delivery.createdAt }, signed);
      const timestamp = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> =
        callback.format === "STANDARD"
          ? {
              "webhook-id": delivery.webhookId,
              "webhook-timestamp": String(timestamp),
              "webhook-signature": signWebhook(callback.signingSecret, delivery.webhookId, timestamp, body),
            }
          : { "webhook-id": delivery.webhookId };
      const response = await postCallback(callback.url, headers, body, {
        timeoutMs: this.timings.timeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        allowPrivate: this.options.allowPrivate,
        resolve: this.options.resolve,
        agents: this.agents,
      });
      statusCode = response.statusCode;
      if (statusCode < 200 || statusCode > 299) {
        const excerpt = response.body.replace(/\s+/g, " ").trim();
        error = `HTTP ${statusCode}${excerpt ? `: ${excerpt}` : ""}`;
      }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const at = new Date();
    if (error === null) {
      this.outcomes.inc({ outcome: "delivered" });
      this.record({ id: delivery.id, at, statusCode, error: null, status: "DELIVERED", nextAttemptAt: null });
      return;
    }
    const next = nextAttemptAfterFailure(delivery.attempts + 1, delivery.retryingSince, at, this.timings);
    this.outcomes.inc({ outcome: next ? "retry" : "dead" });
    const logged = { deliveryId: delivery.id, callbackId: callback.id, attempts: delivery.attempts + 1, statusCode, error };
    if (next) this.log.debug(logged, "callback delivery failed; retrying later");
    else this.log.warn(logged, "callback delivery given up: DEAD");
    this.record({
      id: delivery.id,
      at,
      statusCode,
      error: error.slice(0, MAX_ERROR_LENGTH),
      status: next ? "PENDING" : "DEAD",
      nextAttemptAt: next,
    });
  }

  /** Queues an outcome; one statement writes all that gathered while the previous one ran. */
  private record(outcome: AttemptOutcome & { id: string }): void {
    this.outcomesToWrite.push(outcome);
    this.flush();
  }

  private flush(): void {
    if (this.writing || this.outcomesToWrite.length === 0) return;
    this.writing = this.writeOutcomes().finally(() => {
      this.writing = null;
      this.flush();
    });
  }

  private async writeOutcomes(): Promise<void> {
    while (this.outcomesToWrite.length > 0) {
      const batch = this.outcomesToWrite.splice(0, 500);
      try {
        await recordDeliveryAttempts(this.options.db, batch);
      } catch (err) {
        // Their leases run out and they are sent again: at least once, never lost.
        this.log.error({ err, count: batch.length }, "could not record callback delivery outcomes");
      }
    }
  }

  private refreshQueueStats(): void {
    pendingDeliveryStats(this.options.db)
      .then((stats) => {
        this.queue = stats;
      })
      .catch((err) => this.log.debug({ err }, "could not read the callback queue"));
  }
}
