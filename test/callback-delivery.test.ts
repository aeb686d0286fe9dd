import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallbackTimings } from "../src/callbacks/backoff";
import { DeliveryWorker } from "../src/callbacks/delivery-worker";
import type { DatabaseHandle } from "../src/db/client";
import { callbackDeliveriesTable, type CallbackDeliveryRow } from "../src/db/schema";
import { createTokenAuthenticator, issueTokenForAccount } from "../src/domain/api-tokens";
import { createInProcessEventBus } from "../src/events/in-process-bus";
import { redeliverCallbackDelivery } from "../src/domain/callback-deliveries";
import { createDomainGroup } from "../src/domain/domain-groups";
import { createSnapshotCallback } from "../src/domain/snapshot-callbacks";
import { recordSnapshot } from "../src/domain/streams";
import type { Viewer } from "../src/domain/viewer";
import { silentLogger } from "../src/logger";
import { MetricsRegistry } from "../src/metrics";
import { createFsObjectStore, type FsObjectStore } from "../src/storage/fs-store";
import { startCallbackReceiver, type CallbackReceiver } from "./support/callback-receiver";
import { createTestDatabase } from "./support/db";
import { freePort } from "./support/ports";
import { waitFor } from "./support/wait";

const FAST: Partial<CallbackTimings> = { firstRetryMs: 300, backoffFactor: 2, maxRetryMs: 2_000, giveUpAfterMs: 60_000, pollIntervalMs: 100 };

describe("callback delivery", () => {
  let handle: DatabaseHandle;
  let viewer: Viewer;
  let store: FsObjectStore;
  let dataDir: string;
  let sourceId: string;
  const workers: DeliveryWorker[] = [];
  const receivers: CallbackReceiver[] = [];
  let domainCount = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const issued = await issueTokenForAccount(handle.db, "alice", "ADMIN");
    viewer = (await createTokenAuthenticator(handle.db, createInProcessEventBus()).authenticate(issued.token))!;
    dataDir = await mkdtemp(path.join(tmpdir(), "livesnap-callbacks-"));
    store = createFsObjectStore({ rootDir: dataDir, publicBaseUrl: "http://127.0.0.1:9", signingKey: randomBytes(32) });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(receivers.map((r) => r.close()));
    await handle.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function startWorker(options: { timings?: Partial<CallbackTimings>; allowPrivate?: boolean; resolve?: (host: string) => Promise<string[]>; maxInFlightPerCallback?: number; maxInFlight?: number } = {}) {
    const metrics = new MetricsRegistry();
    const worker = new DeliveryWorker({
      db: handle.db,
      logger: silentLogger(),
      metrics,
      signUrl: (bucket, key) => store.signedGetUrl(bucket, key, 600),
      allowPrivate: options.allowPrivate ?? true,
      timings: options.timings ?? FAST,
      resolve: options.resolve,
      maxInFlightPerCallback: options.maxInFlightPerCallback,
      maxInFlight: options.maxInFlight,
    });
    worker.start();
    workers.push(worker);
    return { worker, metrics };
  }

  async function receiver(...args: Parameters<typeof startCallbackReceiver>) {
    const r = await startCallbackReceiver(...args);
    receivers.push(r);
    return r;
  }

  /** A push domain of its own per test, so that deliveries of one test never reach another's receivers. */
  async function domainWithCallbacks(urls: string[]) {
    domainCount += 1;
    const domain = `push${domainCount}.example.com`;
    const group = await createDomainGroup(handle.db, viewer, { pushDomain: domain, playDomain: `play${domainCount}.example.com` });
    sourceId = group.sourceId;
    const callbacks = [];
    for (const url of urls) {
      callbacks.push((await createSnapshotCallback(handle.db, viewer, { domain, url, format: "STANDARD" }, { allowPrivate: true })).callback);
    }
    return { domain, callbacks };
  }

  let shot = 0;
  /** A snapshot row as capture records it, then handed to the worker as the pipeline does. */
  async function snapshot(worker: DeliveryWorker, domain: string) {
    shot += 1;
    const capturedAt = new Date(Date.now() + shot);
    const row = await recordSnapshot(handle.db, {
      accountId: viewer.accountId,
      domain,
      appName: "live",
      streamName: "cam1",
      sourceId,
      bucket: "livesnap",
      key: `snapshot/20261201/${sourceId}/live/cam1/${capturedAt.getTime()}.jpg`,
      format: "JPG",
      width: 320,
      height: 180,
      bytes: 1000 + shot,
      capturedAt,
    });
    await worker.snapshotRecorded(row);
    return row;
  }

  const deliveriesOf = (callbackId: string): Promise<CallbackDeliveryRow[]> =>
    handle.db.select().from(callbackDeliveriesTable).where(eq(callbackDeliveriesTable.callbackId, callbackId));

  it("retries a receiver that answers 500 until it answers 200, with one webhook-id and a fresh URL per attempt", async () => {
    const r = await receiver((_, earlier) => (earlier.length < 3 ? 500 : 200));
    const { domain, callbacks } = await domainWithCallbacks([r.url]);
    const { worker, metrics } = startWorker({ timings: { ...FAST, firstRetryMs: 700 } });
    await snapshot(worker, domain);
    await r.waitFor((got) => got.some((g) => g.answered === 200), 15_000, "the answered attempt");
    await waitFor(async () => (await deliveriesOf(callbacks[0]!.id))[0]?.status === "DELIVERED", 5_000, "DELIVERED recorded");

    const [delivery] = await deliveriesOf(callbacks[0]!.id);
    expect(delivery).toMatchObject({ status: "DELIVERED", attempts: 4, lastStatusCode: 200, lastError: null });
    expect(delivery!.deliveredAt).not.toBeNull();
    const attempts = r.byWebhookId(delivery!.webhookId);
    expect(attempts.map((a) => a.answered)).toEqual([500, 500, 500, 200]);
    expect(r.received).toHaveLength(4);
    // Backoff: 700 ms, then 1.4 s, then 2 s (each ±20 %).
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(560);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_120);
    expect(gaps[2]).toBeGreaterThanOrEqual(1_600);
    const bodies = attempts.map((a) => JSON.parse(a.body) as { data: { url: string; urlExpiresAt: string } });
    expect(new Date(bodies[3]!.data.urlExpiresAt).getTime()).toBeGreaterThan(new Date(bodies[0]!.data.urlExpiresAt).getTime());
    expect(bodies[3]!.data.url).not.toBe(bodies[0]!.data.url);
    const text = metrics.render();
    expect(text).toContain('livesnap_callback_deliveries_total{outcome="retry"} 3');
    expect(text).toContain('livesnap_callback_deliveries_total{outcome="delivered"} 1');
    await worker.stop();
  });

  it("gives up on a receiver that is down for the whole run (DEAD), and a redelivery reaches it once it is up", async () => {
    const port = await freePort();
    const { domain, callbacks } = await domainWithCallbacks([`http://127.0.0.1:${port}/down`]);
    const { worker, metrics } = startWorker({ timings: { ...FAST, giveUpAfterMs: 2_000 } });
    await snapshot(worker, domain);
    await waitFor(() => /livesnap_callback_queue_depth [1-9]/.test(metrics.render()), 5_000, "a pending delivery in the queue depth");
    await waitFor(async () => (await deliveriesOf(callbacks[0]!.id))[0]?.status === "DEAD", 15_000, "DEAD");
    const [dead] = await deliveriesOf(callbacks[0]!.id);
    expect(dead!.attempts).toBeGreaterThanOrEqual(3);
    expect(dead!.lastStatusCode).toBeNull();
    expect(dead!.lastError).toMatch(/ECONNREFUSED/);
    expect(metrics.render()).toContain('livesnap_callback_deliveries_total{outcome="dead"} 1');

    const r = await receiver(() => 200, port);
    const again = await redeliverCallbackDelivery(handle.db, viewer, dead!.id);
    expect(again).toMatchObject({ status: "PENDING", webhookId: dead!.webhookId });
    worker.wake();
    await r.waitFor((got) => got.length === 1, 5_000, "the redelivery");
    expect(r.received[0]!.headers["webhook-id"]).toBe(dead!.webhookId);
    await waitFor(async () => (await deliveriesOf(callbacks[0]!.id))[0]?.status === "DELIVERED", 5_000, "DELIVERED after redelivery");
    expect((await deliveriesOf(callbacks[0]!.id))[0]!.attempts).toBe(dead!.attempts + 1);
    await worker.stop();
  });

  it("cuts a receiver that never answers at the timeout, and slow receivers hold up no other", async () => {
    const slow = [await receiver(() => "hang"), await receiver(() => "hang"), await receiver(() => "hang")];
    const fast = await receiver(() => 200);
    const { domain, callbacks } = await domainWithCallbacks([...slow.map((r) => r.url), fast.url]);
    // Three hanging receivers would hold more claimed rows (3 x 4 x 4) than the whole instance sends at once.
    const { worker } = startWorker({ timings: { ...FAST, timeoutMs: 1_500 }, maxInFlightPerCallback: 4, maxInFlight: 16 });
    let mostOpen = 0;
    for (const r of slow) {
      r.behaviour = () => {
        mostOpen = Math.max(mostOpen, r.open + 1);
        return "hang";
      };
    }
    const started = Date.now();
    for (let i = 0; i < 20; i++) await snapshot(worker, domain);
    await fast.waitFor((got) => got.length === 20, 10_000, "every delivery to the fast receiver");
    const fastTook = Date.now() - started;
    // Twenty requests held 1.5 s each, four at a time, take 7.5 s per slow receiver; the fast one does not wait for them.
    expect(fastTook).toBeLessThan(5_000);
    await slow[0]!.waitFor((got) => got.filter((g) => g.closedAt !== null).length >= 4, 10_000, "cut requests");
    expect(mostOpen).toBeLessThanOrEqual(4);
    // The deadline runs from the start of the attempt (URL signed, connection opened), a little before arrival.
    for (const cut of slow[0]!.received.filter((g) => g.closedAt !== null)) {
      expect(cut.closedAt! - cut.at).toBeGreaterThanOrEqual(1_000);
      expect(cut.closedAt! - cut.at).toBeLessThan(3_000);
    }
    await waitFor(async () => (await deliveriesOf(callbacks[0]!.id)).some((d) => d.attempts > 0), 5_000, "a recorded timeout");
    const timedOut = (await deliveriesOf(callbacks[0]!.id)).find((d) => d.attempts > 0)!;
    expect(timedOut).toMatchObject({ status: "PENDING", lastStatusCode: null, lastError: "no complete answer within 1500 ms" });
    await worker.stop();
  });

  it("cuts a request at 5 s by default", async () => {
    const slow = await receiver(() => "hang");
    const { domain } = await domainWithCallbacks([slow.url]);
    // FAST shortens retries only: the timeout is the default one.
    expect(FAST.timeoutMs).toBeUndefined();
    const { worker } = startWorker({ timings: FAST });
    await snapshot(worker, domain);
    await slow.waitFor((got) => got[0]?.closedAt != null, 10_000, "the cut");
    const held = slow.received[0]!.closedAt! - slow.received[0]!.at;
    expect(held).toBeGreaterThanOrEqual(4_500);
    expect(held).toBeLessThan(6_500);
    await worker.stop();
  });

  it("loses nothing and duplicates nothing across a restart mid-retry, with two workers claiming", async () => {
    let up = false;
    const r = await receiver(() => (up ? 200 : 503));
    const { domain, callbacks } = await domainWithCallbacks([r.url]);
    const first = startWorker();
    for (let i = 0; i < 6; i++) await snapshot(first.worker, domain);
    await waitFor(async () => (await deliveriesOf(callbacks[0]!.id)).every((d) => d.attempts >= 1), 10_000, "a failed attempt of each");
    await first.worker.stop();
    const failedIds = new Set(r.received.map((g) => g.headers["webhook-id"]));
    up = true;
    startWorker();
    startWorker();
    await waitFor(async () => (await deliveriesOf(callbacks[0]!.id)).every((d) => d.status === "DELIVERED"), 15_000, "every delivery");
    const rows = await deliveriesOf(callbacks[0]!.id);
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((d) => d.webhookId))).toEqual(failedIds);
    for (const row of rows) expect(r.byWebhookId(row.webhookId).filter((g) => g.answered === 200)).toHaveLength(1);
  });

  it("follows no redirect and keeps only the start of a long answer", async () => {
    const target = await receiver(() => 200);
    const redirecting = await receiver(() => ({ status: 307, headers: { location: target.url } }));
    const chatty = await receiver(() => ({ status: 500, body: "x".repeat(1 << 20) }));
    const { domain, callbacks } = await domainWithCallbacks([redirecting.url, chatty.url]);
    const { worker } = startWorker();
    await snapshot(worker, domain);
    await waitFor(async () => {
      const all = [...(await deliveriesOf(callbacks[0]!.id)), ...(await deliveriesOf(callbacks[1]!.id))];
      return all.length === 2 && all.every((d) => d.attempts >= 1);
    }, 5_000, "both attempted");
    expect((await deliveriesOf(callbacks[0]!.id))[0]).toMatchObject({ status: "PENDING", lastStatusCode: 307, lastError: "HTTP 307: receiver says 307" });
    expect(target.received).toHaveLength(0);
    const chattyRow = (await deliveriesOf(callbacks[1]!.id))[0]!;
    expect(chattyRow).toMatchObject({ status: "PENDING", lastStatusCode: 500 });
    expect(chattyRow.lastError).toBe(`HTTP 500: ${"x".repeat(290)}`);
    await worker.stop();
  });

  it("refuses at delivery a host that resolves to a private address, and a private address literal", async () => {
    const r = await receiver(() => 200);
    const { domain, callbacks } = await domainWithCallbacks([
      `http://callbacks.example.com:${r.port}/rebound`,
      `http://127.0.0.1:${r.port}/literal`,
    ]);
    // The name resolved to a public address when the callback was made; now it says 127.0.0.1.
    const { worker } = startWorker({ allowPrivate: false, resolve: async () => ["127.0.0.1"] });
    await snapshot(worker, domain);
    await waitFor(async () => {
      const all = [...(await deliveriesOf(callbacks[0]!.id)), ...(await deliveriesOf(callbacks[1]!.id))];
      return all.length === 2 && all.every((d) => d.attempts >= 1);
    }, 5_000, "both attempted");
    expect((await deliveriesOf(callbacks[0]!.id))[0]!.lastError).toBe("refused: callbacks.example.com: 127.0.0.1 is a loopback address");
    expect((await deliveriesOf(callbacks[1]!.id))[0]!.lastError).toBe("refused: 127.0.0.1 is a loopback address");
    expect(r.received).toHaveLength(0);
    await worker.stop();
  });
});
