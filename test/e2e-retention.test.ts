import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { CreateConfig, CreateDomainGroup } from "./support/operations";
import { freePort } from "./support/ports";
import { signedPushUrl } from "./support/push-url";
import { DAY_MS, snapshotIds } from "./support/retention-seed";
import { S3RVER_CREDENTIALS, startS3rver, type RunningS3rver } from "./support/storage-s3rver";
import { openWsClient, subscribe } from "./support/ws-client";

const CreateRetainingTemplate = graphql(`
  mutation E2ERetentionTemplate($input: CreateSnapshotTemplateInput!) { createSnapshotTemplate(input: $input) { id retentionDays } }
`);
const Frozen = graphql(`
  query E2ERetentionFrozen($domain: String) { liveStreams(domain: $domain) { edges { node { template { retentionDays } } } } }
`);
const SNAPSHOT_CREATED = `subscription { snapshotCreated(domain: "localhost") { id key bucket capturedAt url } }`;
interface Created {
  snapshotCreated: { id: string; key: string; bucket: string; capturedAt: string; url: string };
}

const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

describe.each(["fs", "s3"] as const)("retention of real snapshots on the %s store", (driver) => {
  let t: TestApp;
  let s3: RunningS3rver | undefined;
  let s3Dir: string | undefined;
  let token: string;
  let alice: Run;
  let push: Push | undefined;

  beforeAll(async () => {
    const rtmpPort = await freePort();
    let env: Record<string, string> = { RTMP_PORT: String(rtmpPort) };
    if (driver === "s3") {
      s3Dir = await mkdtemp(path.join(tmpdir(), "livesnap-retention-e2e-"));
      s3 = await startS3rver({ directory: s3Dir, buckets: ["snaps"] });
      env = {
        ...env,
        STORAGE_DRIVER: "s3",
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: "snaps",
        S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        S3_FORCE_PATH_STYLE: "true",
      };
    }
    // s3rver's folder cleanup cannot take concurrent deletes in one folder (see retention-sweep.test.ts).
    t = await startTestApp(env, { retentionDeleteConcurrency: driver === "s3" ? 1 : undefined });
    token = await t.token("alice");
    alice = httpRunner(t.app.url, token);
    await alice(CreateDomainGroup, { input: { pushDomain: "localhost", playDomain: "play.example.com" } });
    const template = await alice(CreateRetainingTemplate, {
      input: { name: "day", format: "JPG", intervalSeconds: 5, storageMode: "SEQUENCE", retentionDays: 1 },
    });
    expect(template.data!.createSnapshotTemplate.retentionDays).toBe(1);
    await alice(CreateConfig, { input: { domain: "localhost", appName: "live", templateId: template.data!.createSnapshotTemplate.id } });
  });
  afterAll(async () => {
    await push?.stop();
    await t?.stop();
    await s3?.stop();
    if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
  });

  it("deletes exactly the images older than the template's retention, objects and rows", async () => {
    const client = openWsClient(t.app.url, token);
    const sub = subscribe<Created>(client, SNAPSHOT_CREATED);
    push = pushTestStream({ url: await signedPushUrl(alice, "localhost", "live", "cam"), ...SOURCE });
    const taken: Created["snapshotCreated"][] = [];
    try {
      for (let i = 0; i < 3; i++) taken.push((await sub.next(30_000)).snapshotCreated);
    } finally {
      await sub.close();
      await client.dispose();
    }
    const frozen = await alice(Frozen, { domain: "localhost" });
    expect(frozen.data!.liveStreams.edges[0]!.node.template!.retentionDays).toBe(1);

    // A day after the second image, the first two are past a retention of one day; the third is not.
    const now = new Date(Date.parse(taken[1]!.capturedAt) + DAY_MS + 1);
    for (const image of taken) expect((await fetch(image.url)).status).toBe(200);
    const result = await t.app.retention.sweep(now);
    expect(result).toEqual({ ran: true, deleted: 2, failed: 0 });

    const left = new Set(await snapshotIds(t.app.database.db));
    expect(taken.map((image) => left.has(image.id))).toEqual([false, false, true]);
    const statuses = await Promise.all(taken.map(async (image) => (await fetch(image.url)).status));
    expect(statuses).toEqual([404, 404, 200]);

    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(metrics).toContain('livesnap_snapshots_deleted_total{cause="retention"} 2');
    expect(metrics).toMatch(/livesnap_retention_last_sweep_seconds [1-9]\d*/);
  });
});
