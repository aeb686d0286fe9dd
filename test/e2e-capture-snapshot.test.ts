import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { fetchImage } from "./support/image-header";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { signedPushUrl } from "./support/push-url";
import { waitFor } from "./support/wait";
import { openWsClient, subscribe } from "./support/ws-client";

const CaptureSnapshot = graphql(`
  mutation E2ECaptureSnapshot($domain: String!, $app: String!, $stream: String!) {
    captureSnapshot(domain: $domain, app: $app, stream: $stream) { id key format width height bytes capturedAt url streamName }
  }
`);
const LiveNow = graphql(`
  query E2ECaptureLiveNow($domain: String) {
    liveStreams(domain: $domain, status: LIVE) { edges { node { streamName } } }
  }
`);

const SNAPSHOT_CREATED = `
  subscription OnCaptured($domain: String, $stream: String) {
    snapshotCreated(domain: $domain, stream: $stream) { id key }
  }
`;

// Intervals long enough that scheduled images after the first do not come during a test.
const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

describe("captureSnapshot on the embedded ingest", () => {
  let t: TestApp;
  let alice: Run;
  let aliceToken: string;
  const pushes: Push[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RTMP_PORT: String(await freePort()), SIGNED_URL_TTL_SECONDS: "600" });
    aliceToken = await t.token("alice");
    alice = httpRunner(t.app.url, aliceToken);
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: "localhost", playDomain: "play.example.com" });
    const cover = (await alice(CreateTemplate, {
      input: { name: "cover", format: "JPG", intervalSeconds: 600, width: 160, height: 120, fillMode: "PAD_BLACK", storageMode: "COVERAGE" },
    })).data!.createSnapshotTemplate.id;
    const seq = (await alice(CreateTemplate, {
      input: { name: "seq", format: "PNG", intervalSeconds: 600, width: 200, storageMode: "SEQUENCE" },
    })).data!.createSnapshotTemplate.id;
    await alice(CreateConfig, { input: { domain: "localhost", appName: "live", templateId: cover } });
    await alice(CreateConfig, { input: { domain: "localhost", appName: "seq", templateId: seq } });
    for (const [app, stream] of [["live", "cam1"], ["seq", "cam2"]] as const) {
      pushes.push(pushTestStream({ url: await signedPushUrl(alice, "localhost", app, stream), ...SOURCE }));
    }
    await waitFor(async () => ((await alice(LiveNow, { domain: "localhost" })).data?.liveStreams.edges.length ?? 0) === 2, 20_000, "both streams live");
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await t?.stop();
  });

  /** The first captureSnapshot may come before the stream's first keyframe: CONFLICT says so. */
  async function captureWhenReady(app: string, stream: string) {
    let result = await alice(CaptureSnapshot, { domain: "localhost", app, stream });
    const deadline = Date.now() + 10_000;
    while (result.errors?.[0]?.extensions?.code === "CONFLICT" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      result = await alice(CaptureSnapshot, { domain: "localhost", app, stream });
    }
    return result;
  }

  it("returns a stored snapshot of the template's size, announced to subscribers", async () => {
    const client = openWsClient(t.app.url, aliceToken);
    const sub = subscribe<{ snapshotCreated: { id: string; key: string } }>(client, SNAPSHOT_CREATED, { domain: "localhost", stream: "cam1" });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription reaches the server
      const before = Date.now();
      const result = await captureWhenReady("live", "cam1");
      expect(result.errors).toBeUndefined();
      const snapshot = result.data!.captureSnapshot;
      expect(snapshot).toMatchObject({ format: "JPG", width: 160, height: 120, streamName: "cam1" });
      expect(Date.parse(snapshot.capturedAt)).toBeGreaterThanOrEqual(before - 1000);
      const image = await fetchImage(snapshot.url);
      expect(image.info).toEqual({ format: "JPG", width: 160, height: 120 });
      expect(image.bytes).toBe(snapshot.bytes);
      const announced = await sub.next(10_000, (e) => e.snapshotCreated.id === snapshot.id);
      expect(announced.snapshotCreated.key).toBe(snapshot.key);
    } finally {
      await sub.close();
      await client.dispose();
    }
  });

  it("overwrites the one object in COVERAGE mode and adds one per call in SEQUENCE mode", async () => {
    const cover1 = (await captureWhenReady("live", "cam1")).data!.captureSnapshot;
    const cover2 = (await captureWhenReady("live", "cam1")).data!.captureSnapshot;
    expect(cover2.key).toBe(cover1.key);
    // One row per COVERAGE key: the same snapshot, captured again.
    expect(cover2.id).toBe(cover1.id);
    expect(Date.parse(cover2.capturedAt)).toBeGreaterThan(Date.parse(cover1.capturedAt));
    const seq1 = (await captureWhenReady("seq", "cam2")).data!.captureSnapshot;
    const seq2 = (await captureWhenReady("seq", "cam2")).data!.captureSnapshot;
    expect(seq1).toMatchObject({ format: "PNG", width: 200, height: 113 });
    expect(seq2.key).not.toBe(seq1.key);
    expect((await fetchImage(seq1.url)).info).toEqual({ format: "PNG", width: 200, height: 113 });
    expect((await fetchImage(seq2.url)).info).toEqual({ format: "PNG", width: 200, height: 113 });
  });

  it("refuses readers, other accounts, streams not live, and bad names, changing nothing", async () => {
    const reader = httpRunner(t.app.url, await t.token("alice", "READER"));
    const bob = httpRunner(t.app.url, await t.token("bob"));
    const asReader = await reader(CaptureSnapshot, { domain: "localhost", app: "live", stream: "cam1" });
    expect(asReader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const asBob = await bob(CaptureSnapshot, { domain: "localhost", app: "live", stream: "cam1" });
    expect(asBob.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const notLive = await alice(CaptureSnapshot, { domain: "localhost", app: "live", stream: "nobody" });
    expect(notLive.errors?.[0]).toMatchObject({ extensions: { code: "NOT_FOUND", field: "stream" } });
    const badName = await alice(CaptureSnapshot, { domain: "localhost", app: "../x", stream: "cam1" });
    expect(badName.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "app" } });
    const badDomain = await alice(CaptureSnapshot, { domain: "no domain", app: "live", stream: "cam1" });
    expect(badDomain.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "domain" } });
  });
});
