import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { startCallbackReceiver, type CallbackReceiver, type ReceivedCallback } from "./support/callback-receiver";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { fetchImage } from "./support/image-header";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { waitFor } from "./support/wait";

const CreateCallback = graphql(`
  mutation E2ECreateCallback($input: CreateSnapshotCallbackInput!) {
    createSnapshotCallback(input: $input) { id signingSecret }
  }
`);
const Deliveries = graphql(`
  query E2EDeliveries($callbackId: ID!) {
    snapshotCallbackDeliveries(callbackId: $callbackId, first: 100) {
      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError deliveredAt } }
    }
  }
`);
const SnapshotsOf = graphql(`
  query E2ECallbackSnapshots($domain: String!) {
    snapshots(domain: $domain, first: 100) {
      edges { node { id domain appName streamName sourceId key bucket format width height bytes capturedAt } }
    }
  }
`);

/** Standard Webhooks verification as a receiver writes it from the specification, apart from livesnap's signer. */
function verifyStandardWebhook(secret: string, received: ReceivedCallback): boolean {
  const id = String(received.headers["webhook-id"]);
  const timestamp = String(received.headers["webhook-timestamp"]);
  const key = Buffer.from(secret.split("_")[1]!, "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${received.body}`).digest();
  return String(received.headers["webhook-signature"])
    .split(" ")
    .some((entry) => {
      const [version, signature] = entry.split(",");
      const given = Buffer.from(signature ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

describe("snapshot callbacks end to end", () => {
  let t: TestApp;
  let alice: Run;
  let bob: Run;
  let push: Push | undefined;
  const receivers: CallbackReceiver[] = [];
  const callbacks: Record<string, { id: string; secret: string }> = {};
  let standard: CallbackReceiver;
  let jd: CallbackReceiver;
  let flaky: CallbackReceiver;
  let bobs: CallbackReceiver;

  async function addCallback(run: Run, name: string, domain: string, url: string, format: "STANDARD" | "JDCLOUD") {
    const r = await run(CreateCallback, { input: { domain, url, format } });
    expect(r.errors).toBeUndefined();
    callbacks[name] = { id: r.data!.createSnapshotCallback.id, secret: r.data!.createSnapshotCallback.signingSecret! };
  }

  beforeAll(async () => {
    const rtmpPort = await freePort();
    t = await startTestApp(
      { RTMP_PORT: String(rtmpPort), CALLBACK_ALLOW_PRIVATE: "1", SIGNED_URL_TTL_SECONDS: "600" },
      { callbackTimings: { firstRetryMs: 300, backoffFactor: 2, maxRetryMs: 1_000, pollIntervalMs: 200 } },
    );
    alice = httpRunner(t.app.url, await t.token("alice"));
    bob = httpRunner(t.app.url, await t.token("bob"));
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: "localhost", playDomain: "play.example.com" });
    await createOpenDomainGroup(t.app.database.db, bob, { pushDomain: "push.bob.example.com", playDomain: "play.bob.example.com" });
    const template = (await alice(CreateTemplate, {
      input: { name: "thumbs", format: "JPG", intervalSeconds: 5, width: 160, storageMode: "SEQUENCE" },
    })).data!.createSnapshotTemplate.id;
    await alice(CreateConfig, { input: { domain: "localhost", templateId: template } });

    standard = await startCallbackReceiver(() => 200);
    jd = await startCallbackReceiver(() => 200);
    flaky = await startCallbackReceiver((_, earlier) => (earlier.length < 2 ? 500 : 200));
    bobs = await startCallbackReceiver(() => 200);
    receivers.push(standard, jd, flaky, bobs);
    await addCallback(alice, "standard", "localhost", standard.url, "STANDARD");
    await addCallback(alice, "jd", "localhost", jd.url, "JDCLOUD");
    await addCallback(alice, "flaky", "localhost", flaky.url, "STANDARD");
    await addCallback(bob, "bob", "push.bob.example.com", bobs.url, "STANDARD");
    push = pushTestStream({ url: `rtmp://127.0.0.1:${rtmpPort}/live/cam1`, ...SOURCE });
  });
  afterAll(async () => {
    await push?.stop();
    await t?.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const snapshotById = async (id: string) =>
    (await alice(SnapshotsOf, { domain: "localhost" })).data!.snapshots.edges.map((e) => e.node).find((n) => n.id === id);

  it("posts each snapshot signed as Standard Webhooks specify, with the Snapshot and a working signed URL", async () => {
    await standard.waitFor((got) => got.length >= 1, 30_000, "a STANDARD callback");
    const first = standard.received[0]!;
    expect(first.headers["content-type"]).toBe("application/json");
    expect(first.headers["user-agent"]).toMatch(/^livesnap/);
    expect(first.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(first.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    expect(verifyStandardWebhook(callbacks.standard!.secret, first)).toBe(true);
    expect(verifyStandardWebhook(callbacks.standard!.secret, { ...first, body: first.body.replace("cam1", "cam2") })).toBe(false);

    const body = JSON.parse(first.body) as { type: string; timestamp: string; data: Record<string, unknown> & { id: string; url: string; urlExpiresAt: string } };
    expect(body.type).toBe("snapshot.created");
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    const { url, urlExpiresAt, ...data } = body.data;
    expect(data).toEqual(await snapshotById(body.data.id));
    expect(data).toMatchObject({ domain: "localhost", appName: "live", streamName: "cam1", format: "JPG", width: 160 });
    expect(new Date(urlExpiresAt).getTime() - Date.now()).toBeGreaterThan(500_000);
    const image = await fetchImage(url);
    expect(image).toMatchObject({ status: 200, contentType: "image/jpeg", bytes: data.bytes, info: { format: "JPG", width: 160 } });
  });

  it("posts JD Cloud's fields, exactly, to a JDCLOUD callback", async () => {
    await jd.waitFor((got) => got.length >= 1, 30_000, "a JDCLOUD callback");
    const body = JSON.parse(jd.received[0]!.body) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["appName", "downloadUrl", "publishDomain", "snapshotTime", "status", "streamName", "version"]);
    const deliveries = (await alice(Deliveries, { callbackId: callbacks.jd!.id })).data!.snapshotCallbackDeliveries.edges.map((e) => e.node);
    const delivery = deliveries.find((d) => d.webhookId === jd.received[0]!.headers["webhook-id"])!;
    const snapshot = (await snapshotById(delivery.snapshotId))!;
    expect(body).toEqual({
      version: "v1.1",
      publishDomain: "localhost",
      appName: "live",
      streamName: "cam1",
      snapshotTime: new Date(snapshot.capturedAt).getTime(),
      downloadUrl: body.downloadUrl,
      status: "success",
    });
    expect(await fetchImage(String(body.downloadUrl))).toMatchObject({ status: 200, contentType: "image/jpeg", bytes: snapshot.bytes });
  });

  it("delivers once to a receiver that answers 500 twice, and the delivery log says so", async () => {
    await flaky.waitFor((got) => got.some((g) => g.answered === 200), 30_000, "an answered retry");
    const id = String(flaky.received.find((g) => g.answered === 200)!.headers["webhook-id"]);
    expect(flaky.byWebhookId(id).map((g) => g.answered)).toEqual([500, 500, 200]);
    await waitFor(async () => {
      const r = await alice(Deliveries, { callbackId: callbacks.flaky!.id });
      return r.data!.snapshotCallbackDeliveries.edges.some((e) => e.node.webhookId === id && e.node.status === "DELIVERED");
    }, 5_000, "DELIVERED in the log");
    const log = (await alice(Deliveries, { callbackId: callbacks.flaky!.id })).data!.snapshotCallbackDeliveries.edges.map((e) => e.node);
    expect(log.find((d) => d.webhookId === id)).toMatchObject({ status: "DELIVERED", attempts: 3, lastStatusCode: 200, lastError: null });
    expect(t.app.metrics.render()).toMatch(/livesnap_callback_deliveries_total\{outcome="retry"\} [1-9]/);
  });

  it("tells another account's callbacks nothing of these snapshots", async () => {
    expect(standard.received.length).toBeGreaterThan(0);
    expect(bobs.received).toEqual([]);
    const r = await bob(Deliveries, { callbackId: callbacks.standard!.id });
    expect(r.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("loses no delivery across a restart in the middle of its retries, and repeats none that was answered", async () => {
    let up = false;
    const down = await startCallbackReceiver(() => (up ? 200 : 503));
    receivers.push(down);
    await addCallback(alice, "restart", "localhost", down.url, "STANDARD");
    await down.waitFor((got) => got.length >= 2, 30_000, "failed attempts before the restart");
    await push!.stop();
    push = undefined;
    const failedIds = new Set(down.received.map((g) => String(g.headers["webhook-id"])));
    await t.restart();
    up = true;
    const again = httpRunner(t.app.url, await t.token("alice"));
    const logOf = async () => (await again(Deliveries, { callbackId: callbacks.restart!.id })).data!.snapshotCallbackDeliveries.edges.map((e) => e.node);
    await waitFor(async () => (await logOf()).every((d) => d.status === "DELIVERED"), 20_000, "every delivery after the restart");
    const log = await logOf();
    for (const id of failedIds) expect(log.map((d) => d.webhookId)).toContain(id);
    for (const d of log) {
      const answered = down.byWebhookId(d.webhookId).filter((g) => g.answered === 200);
      expect(answered, d.webhookId).toHaveLength(1);
    }
  });
});
