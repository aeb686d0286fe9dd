import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger";
import type { ObjectStore } from "../src/storage/object-store";
import { InvalidObjectNameError } from "../src/storage/object-names";
import {
  backoffDelay,
  createUploadCounters,
  DEFAULT_RETRY_POLICY,
  putWithRetry,
  uploadCounters,
  UploadFailedError,
} from "../src/storage/put-with-retry";
import { capturingLogger } from "./support/storage-log";

/** A store whose first `failures` puts throw `error`; it records when each attempt came. */
function flakyStore(failures: number, error: () => unknown = () => new Error("connect ECONNREFUSED")) {
  const attemptsAt: number[] = [];
  const store: ObjectStore = {
    driver: "s3",
    defaultBucket: "livesnap",
    async put() {
      attemptsAt.push(performance.now());
      if (attemptsAt.length <= failures) throw error();
    },
    async signedGetUrl() {
      throw new Error("not used");
    },
    async delete() {
      throw new Error("not used");
    },
    async ping() {},
    async close() {},
  };
  return { store, attemptsAt };
}

const object = {
  bucket: "livesnap",
  key: "snapshot/20250307/k3x9q2/live/cam-1.jpg",
  body: Buffer.from("x"),
  contentType: "image/jpeg",
};

describe("backoffDelay", () => {
  const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };

  it("doubles its ceiling per failed attempt up to the maximum, always waiting at least half", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it("spreads uploaders that failed together", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it("waits at most 7.5 s in all with the defaults before giving up", () => {
    const worst = [1, 2, 3, 4].reduce((sum, n) => sum + backoffDelay(n, DEFAULT_RETRY_POLICY, () => 0.999999), 0);
    expect(DEFAULT_RETRY_POLICY.attempts).toBe(5);
    expect(worst).toBe(7_500);
  });
});

describe("putWithRetry", () => {
  it("retries after waiting the backoff, then stores", async () => {
    const { store, attemptsAt } = flakyStore(2);
    const counters = createUploadCounters();
    await putWithRetry(store, object, {
      logger: silentLogger(),
      counters,
      policy: { attempts: 3, baseDelayMs: 40, maxDelayMs: 1_000 },
      random: () => 0,
    });
    expect(counters).toEqual({ uploads: 1, failures: 0, retries: 2 });
    expect(attemptsAt).toHaveLength(3);
    expect(attemptsAt[1]! - attemptsAt[0]!).toBeGreaterThanOrEqual(19);
    expect(attemptsAt[2]! - attemptsAt[1]!).toBeGreaterThanOrEqual(39);
  });

  it("logs every failed attempt under the storage module and gives up with the last cause", async () => {
    const { store } = flakyStore(Infinity);
    const { logger, records } = capturingLogger();
    const counters = createUploadCounters();
    const error = await putWithRetry(store, object, { logger, counters, policy: { attempts: 2, baseDelayMs: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UploadFailedError);
    expect(error).toMatchObject({ attempts: 2, bucket: "livesnap", key: object.key });
    expect((error as Error).message).toBe(`upload of livesnap/${object.key} failed after 2 attempts: connect ECONNREFUSED`);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(records.map((r) => [r.module, r.level, r.attempt])).toEqual([
      ["storage", 40, 1],
      ["storage", 50, 2],
    ]);
    expect(counters).toEqual({ uploads: 0, failures: 1, retries: 1 });
  });

  it("does not retry a name the store refuses", async () => {
    const { store, attemptsAt } = flakyStore(Infinity, () => new InvalidObjectNameError("bad key"));
    const counters = createUploadCounters();
    await expect(putWithRetry(store, object, { logger: silentLogger(), counters })).rejects.toThrow(
      /failed after 1 attempt: bad key \(not retryable\)/,
    );
    expect(attemptsAt).toHaveLength(1);
    expect(counters).toEqual({ uploads: 0, failures: 1, retries: 0 });
  });

  it("retries S3 throttling and timeouts but not other 4xx answers", async () => {
    const s3Error = (status: number) =>
      Object.assign(new Error(`status ${status}`), { $metadata: { httpStatusCode: status } });
    for (const [status, attempts] of [[503, 3], [500, 3], [429, 3], [408, 3], [403, 1], [404, 1]] as const) {
      const { store, attemptsAt } = flakyStore(Infinity, () => s3Error(status));
      const options = { logger: silentLogger(), counters: createUploadCounters(), policy: { attempts: 3, baseDelayMs: 1 } };
      await expect(putWithRetry(store, object, options)).rejects.toBeInstanceOf(UploadFailedError);
      expect({ status, attempts: attemptsAt.length }).toEqual({ status, attempts });
    }
  });

  it("stops waiting when aborted, for a prompt shutdown", async () => {
    const { store, attemptsAt } = flakyStore(Infinity);
    const controller = new AbortController();
    const counters = createUploadCounters();
    const started = performance.now();
    const put = putWithRetry(store, object, {
      logger: silentLogger(),
      counters,
      signal: controller.signal,
      policy: { attempts: 5, baseDelayMs: 10_000 },
    });
    setTimeout(() => controller.abort(), 20);
    await expect(put).rejects.toThrow(/aborted while waiting to retry/);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(attemptsAt).toHaveLength(1);
    expect(counters).toEqual({ uploads: 0, failures: 1, retries: 1 });
  });

  it("counts in the process-wide counters when given none", async () => {
    const before = { ...uploadCounters };
    await putWithRetry(flakyStore(1).store, object, { logger: silentLogger(), policy: { baseDelayMs: 1 } });
    expect(uploadCounters).toEqual({
      uploads: before.uploads + 1,
      failures: before.failures,
      retries: before.retries + 1,
    });
  });

  it("refuses a policy without attempts", async () => {
    await expect(
      putWithRetry(flakyStore(0).store, object, { logger: silentLogger(), policy: { attempts: 0 } }),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
