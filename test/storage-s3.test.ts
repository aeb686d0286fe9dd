import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../src/logger";
import { createUploadCounters, putWithRetry, UploadFailedError } from "../src/storage/put-with-retry";
import { createS3ObjectStore, type S3ObjectStore } from "../src/storage/s3-store";
import { capturingLogger } from "./support/storage-log";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "./support/storage-s3rver";
import { fakeJpeg, fakePng } from "./support/storage-images";

/*
 * s3rver 3.7.1 and presigned URLs (lib/middleware/authentication.js):
 * - it does NOT verify SigV4 signatures at all (only SigV2 ones), so a tampered URL still
 *   works there; signature checking can only be tested against a real S3 service;
 * - it DOES refuse an unknown access key id, and it DOES enforce expiry: X-Amz-Date plus
 *   X-Amz-Expires in the past gives 403 "Request has expired", and X-Amz-Expires above
 *   604800 is refused. Its check for a negative X-Amz-Expires is dead code.
 */

const KEY = "snapshot/20250307/k3x9q2/live/cam-1.jpg";
const DEFAULT_BUCKET = "livesnap";
const TEMPLATE_BUCKET = "team-b-images";

let directory: string;
let s3: RunningS3rver;
let store: S3ObjectStore;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "livesnap-s3rver-"));
  s3 = await startS3rver({ directory, buckets: [DEFAULT_BUCKET, TEMPLATE_BUCKET] });
  store = createS3ObjectStore({
    endpoint: s3.endpoint,
    region: "us-east-1",
    bucket: DEFAULT_BUCKET,
    forcePathStyle: true,
    ...S3RVER_CREDENTIALS,
  });
});

afterEach(async () => {
  vi.useRealTimers();
  await store.close();
  await s3.stop();
  await rm(directory, { recursive: true, force: true });
});

async function fetchBytes(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get("content-type"), body: Buffer.from(await res.arrayBuffer()) };
}

describe("S3 object store against s3rver", () => {
  it("stores an image that its presigned URL returns with the same bytes and type", async () => {
    const image = fakeJpeg(40_000);
    await store.put({ bucket: store.defaultBucket, key: KEY, body: image, contentType: "image/jpeg" });
    const { url } = await store.signedGetUrl(store.defaultBucket, KEY, 300);
    expect(url.startsWith(`${s3.endpoint}/${DEFAULT_BUCKET}/${KEY}?`)).toBe(true);

    const got = await fetchBytes(url);
    expect(got.status).toBe(200);
    expect(got.type).toBe("image/jpeg");
    expect(got.body.equals(image)).toBe(true);
  });

  it("keeps the PNG content type", async () => {
    const key = "snapshot/20250307/k3x9q2/live/cam-1/1741342830456.png";
    const image = fakePng();
    await store.put({ bucket: DEFAULT_BUCKET, key, body: image, contentType: "image/png" });
    const got = await fetchBytes((await store.signedGetUrl(DEFAULT_BUCKET, key, 60)).url);
    expect(got.type).toBe("image/png");
    expect(got.body.equals(image)).toBe(true);
  });

  it("replaces the object on overwrite", async () => {
    await store.put({ bucket: DEFAULT_BUCKET, key: KEY, body: fakeJpeg(), contentType: "image/jpeg" });
    const second = fakeJpeg(777);
    await store.put({ bucket: DEFAULT_BUCKET, key: KEY, body: second, contentType: "image/jpeg" });
    const got = await fetchBytes((await store.signedGetUrl(DEFAULT_BUCKET, KEY, 60)).url);
    expect(got.body.equals(second)).toBe(true);
  });

  it("writes to the template's bucket instead of the default one", async () => {
    const image = fakeJpeg();
    await store.put({ bucket: TEMPLATE_BUCKET, key: KEY, body: image, contentType: "image/jpeg" });
    const fromTemplateBucket = await fetchBytes((await store.signedGetUrl(TEMPLATE_BUCKET, KEY, 60)).url);
    expect(fromTemplateBucket.body.equals(image)).toBe(true);
    const fromDefault = await fetchBytes((await store.signedGetUrl(DEFAULT_BUCKET, KEY, 60)).url);
    expect(fromDefault.status).toBe(404);
  });

  it("puts the requested lifetime in the URL and reports the matching expiry", async () => {
    const { url, expiresAt } = await store.signedGetUrl(DEFAULT_BUCKET, KEY, 900);
    const query = new URL(url).searchParams;
    expect(query.get("X-Amz-Expires")).toBe("900");
    const signedAt = Date.parse(
      query.get("X-Amz-Date")!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
    );
    expect(expiresAt.getTime()).toBe(signedAt + 900_000);
    expect(Math.abs(expiresAt.getTime() - (Date.now() + 900_000))).toBeLessThan(2_000);
  });

  it("hands out URLs that the server refuses once expired", async () => {
    await store.put({ bucket: DEFAULT_BUCKET, key: KEY, body: fakeJpeg(), contentType: "image/jpeg" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 120_000);
    const { url, expiresAt } = await store.signedGetUrl(DEFAULT_BUCKET, KEY, 60);
    vi.useRealTimers();
    expect(expiresAt.getTime()).toBeLessThan(Date.now());

    const got = await fetchBytes(url);
    expect(got.status).toBe(403);
    expect(got.body.toString()).toContain("Request has expired");
  });

  it("refuses lifetimes S3 would refuse", async () => {
    await expect(store.signedGetUrl(DEFAULT_BUCKET, KEY, 604_801)).rejects.toBeInstanceOf(RangeError);
    await expect(store.signedGetUrl(DEFAULT_BUCKET, KEY, 0)).rejects.toBeInstanceOf(RangeError);
  });

  it("gives up at once on a bucket that does not exist", async () => {
    const counters = createUploadCounters();
    const put = putWithRetry(
      store,
      { bucket: "no-such-bucket", key: KEY, body: fakeJpeg(), contentType: "image/jpeg" },
      { logger: silentLogger(), counters, policy: { attempts: 5, baseDelayMs: 2_000 } },
    );
    await expect(put).rejects.toThrow(
      `upload of no-such-bucket/${KEY} failed after 1 attempt: The specified bucket does not exist (not retryable)`,
    );
    expect(counters).toEqual({ uploads: 0, failures: 1, retries: 0 });
  });
});

describe("uploads to an S3 store that goes away", () => {
  it("succeed after retries once the store is back on the same port", async () => {
    await s3.stop();
    const counters = createUploadCounters();
    const { logger, records } = capturingLogger();
    const image = fakeJpeg();
    const put = putWithRetry(
      store,
      { bucket: DEFAULT_BUCKET, key: KEY, body: image, contentType: "image/jpeg" },
      { logger, counters, policy: { attempts: 20, baseDelayMs: 100, maxDelayMs: 200 } },
    );
    await vi.waitFor(() => expect(counters.retries).toBeGreaterThanOrEqual(2), { timeout: 5_000, interval: 20 });
    await s3.restart();
    await put;

    expect(counters.uploads).toBe(1);
    expect(counters.failures).toBe(0);
    expect(counters.retries).toBeGreaterThanOrEqual(2);
    const warnings = records.filter((r) => r.msg === "upload failed, retrying");
    expect(warnings).toHaveLength(counters.retries);
    expect(warnings[0]).toMatchObject({ module: "storage", bucket: DEFAULT_BUCKET, key: KEY, attempt: 1 });
    const got = await fetchBytes((await store.signedGetUrl(DEFAULT_BUCKET, KEY, 60)).url);
    expect(got.body.equals(image)).toBe(true);
  });

  it("fail with a clear error after the last attempt when the store stays down", async () => {
    await s3.stop();
    const counters = createUploadCounters();
    const { logger, records } = capturingLogger();
    const put = putWithRetry(
      store,
      { bucket: DEFAULT_BUCKET, key: KEY, body: fakeJpeg(), contentType: "image/jpeg" },
      { logger, counters, policy: { attempts: 3, baseDelayMs: 50, maxDelayMs: 100 } },
    );
    const error = await put.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadFailedError);
    expect((error as Error).message).toMatch(
      new RegExp(`^upload of ${DEFAULT_BUCKET}/${KEY} failed after 3 attempts: .*ECONNREFUSED`),
    );
    expect(counters).toEqual({ uploads: 0, failures: 1, retries: 2 });
    expect(records.filter((r) => r.msg === "upload failed, giving up")).toHaveLength(1);
  });
});
