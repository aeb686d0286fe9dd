import type { DatabaseHandle } from "../db/client";
import { expiredSnapshots, retentionCutoff, templatesWithRetention } from "../domain/retention";
import { deleteStoredSnapshots } from "../domain/snapshot-deletion";
import type { Cursor } from "../domain/pagination";
import type { Logger } from "../logger";
import type { Counter } from "../metrics";
import type { ObjectStore } from "../storage/object-store";

/** The advisory lock ("lsnp") that lets one instance of a cluster sweep at a time. */
export const RETENTION_LOCK_KEY = 0x6c736e70;
const DEFAULT_BATCH = 200;

export interface RetentionSweepOptions {
  database: Pick<DatabaseHandle, "db" | "withAdvisoryLock">;
  store: Pick<ObjectStore, "delete">;
  logger: Logger;
  /** Time between sweeps. */
  intervalMs: number;
  /** Time from start to the first sweep. */
  firstDelayMs: number;
  /** Images read and deleted per step. */
  batchSize?: number;
  /** Object deletes in flight at once (default OBJECT_DELETE_CONCURRENCY). */
  deleteConcurrency?: number;
  /** Objects (and rows) deleted, counted with `{ cause: "retention" }`. */
  deleted?: Counter;
  /** Objects the store would not delete, counted with `{ cause: "retention" }`. */
  failures?: Counter;
}

export type SweepResult = { ran: false } | { ran: true; deleted: number; failed: number };

export interface RetentionSweep {
  /** One sweep as of `now`; `{ ran: false }` while another sweep (here or elsewhere) holds the lock. */
  sweep(now?: Date): Promise<SweepResult>;
  start(): void;
  /** Stops the timer and lets a running sweep finish its current batch. */
  stop(): Promise<void>;
  /** When the last sweep that ran finished. */
  readonly lastSweepAt: Date | null;
}

export function createRetentionSweep(options: RetentionSweepOptions): RetentionSweep {
  const { database, store } = options;
  const log = options.logger.child({ module: "retention" });
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const deleteObject = (bucket: string, key: string) => store.delete(bucket, key);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let lastSweepAt: Date | null = null;

  async function sweepTemplate(templateId: string, cutoff: Date): Promise<{ deleted: number; failed: number }> {
    let deleted = 0;
    let failed = 0;
    let after: Cursor | null = null;
    while (!stopped) {
      const batch = await expiredSnapshots(database.db, { templateId, cutoff, after, limit: batchSize });
      if (batch.length === 0) break;
      const outcome = await deleteStoredSnapshots(database.db, batch, deleteObject, options.deleteConcurrency);
      deleted += outcome.deleted.length;
      failed += outcome.failures.length;
      options.deleted?.inc({ cause: "retention" }, outcome.deleted.length);
      options.failures?.inc({ cause: "retention" }, outcome.failures.length);
      for (const { snapshot, error } of outcome.failures) {
        log.warn({ err: error, bucket: snapshot.bucket, key: snapshot.key }, "could not delete an expired image; kept for the next sweep");
      }
      // The keyset moves past failures, so one object the store refuses does not stall the sweep.
      const last = batch[batch.length - 1]!;
      after = { at: last.capturedAt, id: last.id };
      if (batch.length < batchSize) break;
    }
    return { deleted, failed };
  }

  async function sweepAll(now: Date): Promise<{ deleted: number; failed: number }> {
    let deleted = 0;
    let failed = 0;
    for (const template of await templatesWithRetention(database.db)) {
      if (stopped) break;
      const result = await sweepTemplate(template.id, retentionCutoff(now, template.retentionDays));
      deleted += result.deleted;
      failed += result.failed;
    }
    return { deleted, failed };
  }

  async function sweep(now = new Date()): Promise<SweepResult> {
    const outcome = await database.withAdvisoryLock(RETENTION_LOCK_KEY, () => sweepAll(now));
    if (!outcome.locked) {
      log.debug("another sweep holds the retention lock; skipped");
      return { ran: false };
    }
    lastSweepAt = new Date();
    if (outcome.value.deleted > 0 || outcome.value.failed > 0) log.info(outcome.value, "retention sweep done");
    return { ran: true, ...outcome.value };
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((err) => log.error({ err }, "retention sweep failed; tried again at the next interval"))
        .finally(() => schedule(options.intervalMs));
    }, delayMs);
    timer.unref();
  }

  return {
    sweep,
    start() {
      stopped = false;
      schedule(options.firstDelayMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    get lastSweepAt() {
      return lastSweepAt;
    },
  };
}
