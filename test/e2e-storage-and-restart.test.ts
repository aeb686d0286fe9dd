import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainGroupsTable, liveStreamsTable, snapshotTemplatesTable } from "../src/db/schema";
import { freezeTemplate } from "../src/domain/streams";
import { httpRunner } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { fetchImage } from "./support/image-header";
import { startHookServer } from "./support/ingest-hook-server";
import { startNginxRtmp } from "./support/nginx-rtmp";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { CreateConfig, CreateDomainGroup, CreateTemplate } from "./support/operations";
import { graphql } from "./gql";
import { freePort } from "./support/ports";
import { signedPushUrl } from "./support/push-url";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "./support/storage-s3rver";
import { waitFor } from "./support/wait";
import { openWsClient, subscribe } from "./support/ws-client";

const Snapshots = graphql(`
  query RestartSnapshots($domain: String!) { snapshots(domain: $domain) { edges { node { key } } } }
`);

const SUBSCRIPTION = `subscription { snapshotCreated { streamName bucket key capturedAt url width height } }`;
interface Event {
  snapshotCreated: { streamName: string; bucket: string; key: string; capturedAt: string; url: string; width: number; height: number };
}
const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

describe("end to end on the s3 driver, with the store going down", () => {
  let s3: RunningS3rver;
  let s3Dir: string;
  let t: TestApp;
  let token: string;
  let rtmpPort: number;
  const pushes: Push[] = [];

  beforeAll(async () => {
    s3Dir = await mkdtemp(path.join(tmpdir(), "livesnap-s3-"));
    s3 = await startS3rver({ directory: s3Dir, buckets: ["snaps", "custom-bucket"] });
    rtmpPort = await freePort();
    t = await startTestApp({
      RTMP_PORT: String(rtmpPort),
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: "snaps",
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    });
    token = await t.token("alice");
    const alice = httpRunner(t.app.url, token);
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: "localhost", playDomain: "play.example.com" });
    const plain = await alice(CreateTemplate, { input: { name: "plain", format: "JPG", intervalSeconds: 5, height: 90, storageMode: "SEQUENCE" } });
    const custom = await alice(CreateTemplate, {
      input: { name: "custom", format: "JPG", intervalSeconds: 5, storageMode: "COVERAGE", bucket: "custom-bucket" },
    });
    await alice(CreateConfig, { input: { domain: "localhost", appName: "live", templateId: plain.data!.createSnapshotTemplate.id } });
    await alice(CreateConfig, { input: { domain: "localhost", appName: "live", streamName: "own-bucket", templateId: custom.data!.createSnapshotTemplate.id } });
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await t?.stop();
    await s3?.stop();
    await rm(s3Dir, { recursive: true, force: true });
  });

  it("stores in the configured bucket or the template's own, survives an outage and resumes", async () => {
    const client = openWsClient(t.app.url, token);
    const sub = subscribe<Event>(client, SUBSCRIPTION);
    for (const stream of ["cam1", "own-bucket"]) {
      const p = pushTestStream({ url: await signedPushUrl(httpRunner(t.app.url, token), "localhost", "live", stream), ...SOURCE });
      pushes.push(p);
    }
    try {
      const plain = (await sub.next(25_000, (e) => e.snapshotCreated.streamName === "cam1")).snapshotCreated;
      const own = (await sub.next(25_000, (e) => e.snapshotCreated.streamName === "own-bucket")).snapshotCreated;
      expect(plain.bucket).toBe("snaps");
      expect(own.bucket).toBe("custom-bucket");
      expect(plain.url.startsWith(`${s3.endpoint}/snaps/${plain.key}?`)).toBe(true);
      expect((await fetchImage(plain.url)).info).toEqual({ format: "JPG", width: 160, height: 90 });
      expect((await fetchImage(own.url)).info).toEqual({ format: "JPG", width: 320, height: 180 });

      await s3.stop();
      const downAt = Date.now();
      await new Promise((r) => setTimeout(r, 7_000));
      const health = await fetch(`${t.app.url}/healthz`);
      expect(health.status).toBe(200);
      await s3.restart();
      const resumed = await sub.next(20_000, (e) => e.snapshotCreated.streamName === "cam1" && Date.parse(e.snapshotCreated.capturedAt) > downAt + 7_000);
      expect((await fetchImage(resumed.snapshotCreated.url)).status).toBe(200);
      // The outage shows in the metrics an operator watches.
      const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
      const metric = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(metrics)?.[1]);
      expect(metric("livesnap_upload_retries_total")).toBeGreaterThan(0);
      expect(metric("livesnap_upload_failures_total")).toBeGreaterThan(0);
      expect(metric("livesnap_uploads_total")).toBeGreaterThanOrEqual(3);
      // Every upload is recorded; the other stream's newest one may be between its store and its row.
      await waitFor(async () => {
        const now = await (await fetch(`${t.app.url}/metrics`)).text();
        const read = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(now)?.[1]);
        return read("livesnap_snapshots_recorded_total") === read("livesnap_uploads_total");
      }, 5_000, "every upload recorded");
      expect(metric("livesnap_captured_streams")).toBe(2);
      // Nothing announced while the store was down: every event is an object that exists.
      for (const e of sub.events) {
        expect((await fetch(e.snapshotCreated.url, { method: "HEAD" })).status).toBe(200);
      }
    } finally {
      await sub.close();
      await client.dispose();
    }
    // Its own waits add up to over a minute: two first snapshots, a 7 s outage, the resumed one.
  }, 90_000);
});

describe("streams left LIVE by a process that died", () => {
  it("are ended when gone, and captured again when the media server still has them", async () => {
    const nginxPort = await freePort();
    // A media server whose hooks always say yes, standing in for one that outlived livesnap.
    const yes = await startHookServer(async (_req, res) => {
      res.writeHead(200).end();
      return true;
    });
    const nginx = await startNginxRtmp({ hookUrl: `${yes.origin}/hooks`, port: nginxPort });
    const push = pushTestStream({ url: `rtmp://127.0.0.1:${nginxPort}/live/survivor`, ...SOURCE });
    const first = await startTestApp();
    const db = first.app.database.db;
    const token = await first.token("alice");
    const alice = httpRunner(first.app.url, token);
    const group = (await alice(CreateDomainGroup, { input: { pushDomain: "restart.example.com", playDomain: "play.restart.example.com" } }))
      .data!.createDomainGroup;
    const tplId = (await alice(CreateTemplate, { input: { name: "r", format: "JPG", intervalSeconds: 5, storageMode: "COVERAGE" } })).data!
      .createSnapshotTemplate.id;
    const [tpl] = await db.select().from(snapshotTemplatesTable).where(eq(snapshotTemplatesTable.id, tplId));
    const [dg] = await db.select().from(domainGroupsTable).where(eq(domainGroupsTable.id, group.id));
    const orphan = (stream: string, source: string, pullUrl: string) => ({
      accountId: dg!.accountId, domainGroupId: dg!.id, domain: dg!.pushDomain, appName: "live", streamName: stream,
      sourceId: dg!.sourceId, source, pullUrl, template: freezeTemplate(tpl!), workerId: "dead-worker", leaseUntil: new Date(Date.now() - 1000),
    });
    const rows = await db
      .insert(liveStreamsTable)
      .values([
        orphan("was-embedded", "embedded", "rtmp://127.0.0.1:9/live/was-embedded"),
        orphan("gone", "nginx-rtmp", `rtmp://127.0.0.1:${nginxPort}/live/gone`),
        orphan("survivor", "nginx-rtmp", `rtmp://127.0.0.1:${nginxPort}/live/survivor`),
      ])
      .returning();
    try {
      // The running process holds none of them; the next start settles them.
      await first.restart();
      const statusOf = async (stream: string) => {
        const [row] = await first.app.database.db.select().from(liveStreamsTable).where(eq(liveStreamsTable.streamName, stream));
        return row!;
      };
      await waitFor(async () => (await statusOf("gone")).status === "ENDED", 30_000, "unreadable stream ended");
      expect((await statusOf("was-embedded")).status).toBe("ENDED");
      const survivor = await statusOf("survivor");
      expect(survivor).toMatchObject({ status: "LIVE", workerId: first.app.liveCapture.workerId });
      expect(first.app.engine.active()).toEqual([survivor.id]);
      await waitFor(
        async () => (await httpRunner(first.app.url, token)(Snapshots, { domain: "restart.example.com" })).data!.snapshots.edges.length > 0,
        25_000,
        "a snapshot of the resumed stream",
      );
      expect(rows).toHaveLength(3);
    } finally {
      await first.stop();
      await push.stop();
      await nginx.stop();
      await yes.close();
    }
  }, 90_000);
});
