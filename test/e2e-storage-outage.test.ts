import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainGroupsTable } from "../src/db/schema";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { CreateConfig, CreateDomainGroup, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "./support/storage-s3rver";
import { waitFor } from "./support/wait";

const SNAPSHOTS = `query { snapshots(domain: "localhost") { edges { node { key capturedAt url } } } }`;
interface Snapshots {
  data?: { snapshots: { edges: { node: { key: string; capturedAt: string; url: string } }[] } };
  errors?: unknown[];
}

describe("the object store going away for 30 s and coming back", () => {
  let s3: RunningS3rver;
  let s3Dir: string;
  let t: TestApp;
  let alice: Run;
  let token: string;
  let push: Push | undefined;

  const readiness = async () => {
    const response = await fetch(`${t.app.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
    return [response.status, await response.text()];
  };
  const snapshots = async () => {
    const response = await fetch(`${t.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: SNAPSHOTS }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as Snapshots;
    expect(body.errors).toBeUndefined();
    return body.data!.snapshots.edges.map((e) => e.node);
  };
  const capturedTimes = async () => (await snapshots()).map((s) => Date.parse(s.capturedAt));

  beforeAll(async () => {
    s3Dir = await mkdtemp(path.join(tmpdir(), "livesnap-s3-outage-"));
    s3 = await startS3rver({ directory: s3Dir, buckets: ["snaps"] });
    const rtmpPort = await freePort();
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
    alice = httpRunner(t.app.url, token);
    expect((await alice(CreateDomainGroup, { input: { pushDomain: "localhost", playDomain: "play.example.com" } })).errors).toBeUndefined();
    const template = await alice(CreateTemplate, { input: { name: "outage", format: "JPG", intervalSeconds: 5, width: 160, storageMode: "SEQUENCE" } });
    expect((await alice(CreateConfig, { input: { domain: "localhost", templateId: template.data!.createSnapshotTemplate.id } })).errors).toBeUndefined();
    // Publishes need no signed URL for this test: it is about the store, not push auth.
    await t.app.database.db.update(domainGroupsTable).set({ pushAuth: "OFF" });
    push = pushTestStream({ url: `rtmp://127.0.0.1:${rtmpPort}/live/cam`, width: 320, height: 180, fps: 15, gop: 15 });
  });
  afterAll(async () => {
    await push?.stop();
    await t?.stop();
    await s3?.stop();
    await rm(s3Dir, { recursive: true, force: true });
  });

  it("keeps answering and capturing, is not ready while the store is down, and recovers by itself", async () => {
    await waitFor(async () => (await capturedTimes()).length > 0, 40_000, "a first snapshot");
    expect(await readiness()).toEqual([200, "ready\n"]);

    await s3.stop();
    const downAt = Date.now();
    expect(await readiness()).toEqual([503, "object store unreachable\n"]);
    // The API reads the database, not the store: it answers all through the outage.
    const countAtStop = (await capturedTimes()).length;
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() - downAt)));
    expect((await capturedTimes()).length).toBe(countAtStop);
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
    expect(t.app.engine.active()).toHaveLength(1);
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(Number(/^livesnap_upload_failures_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);

    await s3.restart();
    const upAt = Date.now();
    await waitFor(async () => (await readiness())[0] === 200, 10_000, "ready again within 10 s");
    await waitFor(async () => (await capturedTimes()).some((at) => at > upAt), 10_000, "a snapshot stored within 10 s of the store's return");
    const newest = (await snapshots())[0]!;
    expect((await fetch(newest.url)).status).toBe(200);
  }, 120_000);
});
