import type { Logger } from "../logger";
import type { ObjectStore } from "./object-store";

/**
 * What uploads have done since start. Every failed attempt is counted once: as a retry when
 * another attempt follows, as a failure when the upload gives up.
 */
export interface UploadCounters {
  /** Objects stored. */
  uploads: number;
  /** Uploads given up: attempts exhausted, a permanent error, or aborted. */
  failures: number;
  /** Attempts made again after a failed one. */
  retries: number;
}

export function createUploadCounters(): UploadCounters {
  return { uploads: 0, failures: 0, retries: 0 };
}

/** Process-wide counters, used when the caller hands in none. */
export const uploadCounters: UploadCounters = createUploadCounters();

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  /** Ceiling of the first wait; each later ceiling doubles up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 3.75..7.5 s of waiting in all: rides out a store restart, and stays near the shortest interval (5 s). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8_000 };

export class UploadFailedError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
    readonly attempts: number,
    reason: string,
    options: { cause: unknown },
  ) {
    super(`upload of ${bucket}/${key} failed after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason}`, options);
    this.name = "UploadFailedError";
  }
}

export interface PutWithRetryOptions {
  logger: Logger;
  policy?: Partial<RetryPolicy>;
  counters?: UploadCounters;
  /** Stops waiting and retrying, e.g. on shutdown. */
  signal?: AbortSignal;
  /** Source of jitter in [0, 1); tests pin it. */
  random?: () => number;
}

type PutObject = Parameters<ObjectStore["put"]>[0];

/**
 * Stores an object, retrying failed attempts with exponential backoff and jitter. Resolves
 * when stored; otherwise rejects with an UploadFailedError naming the object, the attempts
 * made and the last cause.
 */
export async function putWithRetry(store: ObjectStore, object: PutObject, options: PutWithRetryOptions): Promise<void> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new RangeError(`retry attempts must be a positive integer, got ${policy.attempts}`);
  }
  const counters = options.counters ?? uploadCounters;
  const random = options.random ?? Math.random;
  const log = options.logger.child({ module: "storage" });
  const target = { driver: store.driver, bucket: object.bucket, key: object.key };

  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) {
      counters.failures += 1;
      throw new UploadFailedError(object.bucket, object.key, attempt - 1, "aborted", { cause: options.signal.reason });
    }
    try {
      await store.put(object);
      counters.uploads += 1;
      if (attempt > 1) log.info({ ...target, attempt }, "upload succeeded after retrying");
      return;
    } catch (error) {
      const permanent = isPermanent(error);
      const last = permanent || attempt >= policy.attempts;
      const reason = describe(error);
      if (last) {
        counters.failures += 1;
        log.error({ ...target, attempt, err: error }, "upload failed, giving up");
        throw new UploadFailedError(object.bucket, object.key, attempt, permanent ? `${reason} (not retryable)` : reason, {
          cause: error,
        });
      }
      const delayMs = backoffDelay(attempt, policy, random);
      counters.retries += 1;
      log.warn({ ...target, attempt, delayMs, err: error }, "upload failed, retrying");
      try {
        await sleep(delayMs, options.signal);
      } catch {
        counters.failures += 1;
        throw new UploadFailedError(object.bucket, object.key, attempt, `aborted while waiting to retry (${reason})`, {
          cause: error,
        });
      }
    }
  }
}

/**
 * "Equal jitter": half of the exponential ceiling is always waited, the other half is random,
 * so a crowd of uploaders spreads out without any of them hammering a store that just went down.
 */
export function backoffDelay(failedAttempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Errors another attempt cannot fix: refused names, and 4xx answers other than timeouts and throttling. */
function isPermanent(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { permanent?: unknown }).permanent === true) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message || error.name;
    return code && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
