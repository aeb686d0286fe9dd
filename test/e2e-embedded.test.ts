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

const LiveStreams = graphql(`
  query E2ELiveStreams($domain: String, $status: LiveStreamStatus) {
    liveStreams(domain: $domain, status: $status) {
      edges { node { id appName streamName status sourceId endedAt template { name intervalSeconds width } lastSnapshot { key } } }
    }
  }
`);
const Snapshots = graphql(`
  query E2ESnapshots($domain: String!, $app: String, $stream: String) {
    snapshots(domain: $domain, app: $app, stream: $stream) {
      edges { node { key format width height bytes capturedAt url urlExpiresAt } }
    }
  }
`);
const UpdateTemplate = graphql(`
  mutation E2EUpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }
`);

const SNAPSHOT_CREATED = `
  subscription OnSnapshot($domain: String, $app: String, $stream: String) {
    snapshotCreated(domain: $domain, app: $app, stream: $stream) {
      id domain appName streamName sourceId key bucket format width height bytes capturedAt url urlExpiresAt
    }
  }
`;
interface SnapshotEvent {
  snapshotCreated: {
    domain: string; appName: string; streamName: string; sourceId: string; key: string; bucket: string;
    format: "JPG" | "PNG"; width: number; height: number; bytes: number; capturedAt: string; url: string; urlExpiresAt: string;
  };
}

// A short GOP keeps the keyframe grid fine, so 5 s intervals are met closely and tests stay short.
const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

describe("end to end on the embedded ingest", () => {
  let t: TestApp;
  let rtmpPort: number;
  let alice: Run;
  let aliceToken: string;
  let bobToken: string;
  let sourceId: string;
  const templates = { cover: "", seq: "" };
  const pushes: Push[] = [];
  const push = async (app: string, stream: string) => {
    const p = pushTestStream({ url: await signedPushUrl(alice, "localhost", app, stream), ...SOURCE });
    pushes.push(p);
    return p;
  };

  beforeAll(async () => {
    rtmpPort = await freePort();
    t = await startTestApp({ RTMP_PORT: String(rtmpPort), SIGNED_URL_TTL_SECONDS: "600" });
    aliceToken = await t.token("alice");
    bobToken = await t.token("bob");
    alice = httpRunner(t.app.url, aliceToken);
    sourceId = (await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: "localhost", playDomain: "play.example.com" })).sourceId;
    templates.cover = (await alice(CreateTemplate, {
      input: { name: "cover", format: "JPG", intervalSeconds: 5, width: 160, height: 120, fillMode: "PAD_BLACK", storageMode: "COVERAGE" },
    })).data!.createSnapshotTemplate.id;
    templates.seq = (await alice(CreateTemplate, {
      input: { name: "seq", format: "PNG", intervalSeconds: 5, width: 200, storageMode: "SEQUENCE" },
    })).data!.createSnapshotTemplate.id;
    await alice(CreateConfig, { input: { domain: "localhost", appName: "live", templateId: templates.cover } });
    await alice(CreateConfig, { input: { domain: "localhost", appName: "live", streamName: "seq1", templateId: templates.seq } });
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await t?.stop();
  });

  it("snapshots a pushed stream, announces it to its account only, and serves the image at the signed URL", async () => {
    const mine = openWsClient(t.app.url, aliceToken);
    const theirs = openWsClient(t.app.url, bobToken);
    const aliceSub = subscribe<SnapshotEvent>(mine, SNAPSHOT_CREATED, { domain: "localhost", app: "live", stream: "cam1" });
    const bobSub = subscribe<SnapshotEvent>(theirs, SNAPSHOT_CREATED, {});
    const startedAt = Date.now();
    await push("live", "cam1");
    try {
      const first = (await aliceSub.next(25_000)).snapshotCreated;
      const day = new Date(first.capturedAt).toISOString().slice(0, 10).replace(/-/g, "");
      expect(first).toMatchObject({
        domain: "localhost", appName: "live", streamName: "cam1", sourceId, format: "JPG", width: 160, height: 120, bucket: "livesnap",
        key: `snapshot/${day}/${sourceId}/live/cam1.jpg`,
      });
      expect(Date.now() - startedAt).toBeLessThan(20_000);
      const expiresIn = new Date(first.urlExpiresAt).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(590_000);
      expect(expiresIn).toBeLessThanOrEqual(601_000);
      const image = await fetchImage(first.url);
      expect(image).toMatchObject({ status: 200, contentType: "image/jpeg", bytes: first.bytes, info: { format: "JPG", width: 160, height: 120 } });

      const second = (await aliceSub.next(12_000)).snapshotCreated;
      const gap = new Date(second.capturedAt).getTime() - new Date(first.capturedAt).getTime();
      expect(gap).toBeGreaterThan(3_500);
      expect(gap).toBeLessThan(7_000);
      expect(second.key).toBe(first.key); // coverage overwrites one object

      const listed = await alice(Snapshots, { domain: "localhost", app: "live", stream: "cam1" });
      expect(listed.data!.snapshots.edges).toHaveLength(1);
      expect(listed.data!.snapshots.edges[0]!.node.capturedAt).toBe(second.capturedAt);
      expect(bobSub.events).toEqual([]);
      expect(bobSub.errors).toEqual([]);
    } finally {
      await aliceSub.close();
      await bobSub.close();
      await mine.dispose();
      await theirs.dispose();
    }
  });

  it("keeps one object per snapshot in sequence mode, as PNG at the template's width", async () => {
    const client = openWsClient(t.app.url, aliceToken);
    const sub = subscribe<SnapshotEvent>(client, SNAPSHOT_CREATED, { stream: "seq1" });
    const p = await push("live", "seq1");
    try {
      const a = (await sub.next(25_000)).snapshotCreated;
      const b = (await sub.next(12_000)).snapshotCreated;
      for (const s of [a, b]) {
        const day = new Date(s.capturedAt).toISOString().slice(0, 10).replace(/-/g, "");
        expect(s.key).toBe(`snapshot/${day}/${sourceId}/live/seq1/${new Date(s.capturedAt).getTime()}.png`);
        // 320x180 scaled to width 200 keeps the aspect ratio.
        expect(s).toMatchObject({ format: "PNG", width: 200, height: 113 });
        const image = await fetchImage(s.url);
        expect(image).toMatchObject({ status: 200, contentType: "image/png", info: { format: "PNG", width: 200, height: 113 } });
      }
      expect(a.key).not.toBe(b.key);
      const listed = await alice(Snapshots, { domain: "localhost", app: "live", stream: "seq1" });
      expect(listed.data!.snapshots.edges.map((e) => e.node.key)).toEqual([b.key, a.key]);
    } finally {
      await sub.close();
      await client.dispose();
      await p.stop();
    }
  });

  it("freezes the template at publish: a change applies to the next publish only", async () => {
    const client = openWsClient(t.app.url, aliceToken);
    const sub = subscribe<SnapshotEvent>(client, SNAPSHOT_CREATED, { stream: "frozen" });
    try {
      let p = await push("live", "frozen");
      expect((await sub.next(25_000)).snapshotCreated.width).toBe(160);
      await alice(UpdateTemplate, { id: templates.cover, input: { width: 96, height: 64 } });
      expect((await sub.next(12_000)).snapshotCreated.width).toBe(160);
      const live = await alice(LiveStreams, { domain: "localhost", status: "LIVE" });
      const frozen = live.data!.liveStreams.edges.find((e) => e.node.streamName === "frozen")!.node;
      expect(frozen.template).toMatchObject({ name: "cover", width: 160 });
      expect(frozen.lastSnapshot?.key).toContain("/live/frozen.jpg");

      await p.stop();
      await waitFor(async () => {
        const ended = await alice(LiveStreams, { domain: "localhost", status: "ENDED" });
        return ended.data!.liveStreams.edges.some((e) => e.node.streamName === "frozen" && e.node.endedAt !== null);
      }, 10_000);
      p = await push("live", "frozen");
      const next = (await sub.next(25_000, (e) => e.snapshotCreated.width !== 160)).snapshotCreated;
      expect([next.width, next.height]).toEqual([96, 64]);
      await p.stop();
    } finally {
      await alice(UpdateTemplate, { id: templates.cover, input: { width: 160, height: 120 } });
      await sub.close();
      await client.dispose();
    }
  });

  it("records a publish no template applies to, without capturing it", async () => {
    const p = await push("other-app", "cam9");
    try {
      await waitFor(async () => {
        const live = await alice(LiveStreams, { domain: "localhost", status: "LIVE" });
        return live.data!.liveStreams.edges.some((e) => e.node.appName === "other-app" && e.node.template === null);
      }, 15_000);
      await new Promise((r) => setTimeout(r, 7_000));
      const snaps = await alice(Snapshots, { domain: "localhost", app: "other-app" });
      expect(snaps.data!.snapshots.edges).toEqual([]);
    } finally {
      await p.stop();
    }
  });

  it("refuses a connection without a valid token", async () => {
    const client = openWsClient(t.app.url, "lsk_not-a-real-token-at-all-0000000000");
    const sub = subscribe<SnapshotEvent>(client, SNAPSHOT_CREATED, {});
    await expect(sub.next(5_000)).rejects.toThrow(/subscription failed|4403|Forbidden/);
    await client.dispose();
  });
});
