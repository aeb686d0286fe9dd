import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainGroupsTable } from "../src/db/schema";
import { SERVICE_UNAVAILABLE } from "../src/graphql/yoga";
import { httpRunner } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { CreateConfig, CreateDomainGroup, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { startPrivatePostgres, type PrivatePostgres } from "./support/private-postgres";
import { waitFor } from "./support/wait";

const SNAPSHOTS = `query { snapshots(domain: "localhost", app: "live", stream: "cam") { edges { node { key capturedAt } } } }`;

interface GraphQLBody {
  data?: { snapshots: { edges: { node: { key: string; capturedAt: string } }[] } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe("the database going away and coming back", () => {
  let pg: PrivatePostgres;
  let t: TestApp;
  let token: string;
  let push: Push | undefined;

  /** A GraphQL request over the network, with how long the answer took. */
  async function graphql(query: string): Promise<{ status: number; body: GraphQLBody; ms: number }> {
    const started = Date.now();
    const response = await fetch(`${t.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: (await response.json()) as GraphQLBody, ms: Date.now() - started };
  }
  const readiness = async () => (await fetch(`${t.app.url}/readyz`, { signal: AbortSignal.timeout(15_000) })).status;
  const capturedTimes = async () => {
    const answer = await graphql(SNAPSHOTS);
    return answer.body.errors ? [] : answer.body.data!.snapshots.edges.map((e) => Date.parse(e.node.capturedAt));
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const rtmpPort = await freePort();
    t = await startTestApp({ DATABASE_URL: pg.url, RTMP_PORT: String(rtmpPort) });
    token = await t.token("alice");
    const alice = httpRunner(t.app.url, token);
    expect((await alice(CreateDomainGroup, { input: { pushDomain: "localhost", playDomain: "play.example.com" } })).errors).toBeUndefined();
    const template = await alice(CreateTemplate, { input: { name: "fault", format: "JPG", intervalSeconds: 5, width: 160, storageMode: "SEQUENCE" } });
    const config = await alice(CreateConfig, { input: { domain: "localhost", templateId: template.data!.createSnapshotTemplate.id } });
    expect(config.errors).toBeUndefined();
    // Publishes need no signed URL for this test: it is about the database, not push auth.
    await t.app.database.db.update(domainGroupsTable).set({ pushAuth: "OFF" });
    push = pushTestStream({ url: `rtmp://127.0.0.1:${rtmpPort}/live/cam`, width: 320, height: 180, fps: 15, gop: 15 });
  });
  afterAll(async () => {
    await push?.stop();
    await t?.stop();
    await pg?.destroy();
  });

  it("answers with a clean error and not ready while it is down, and recovers by itself", async () => {
    await waitFor(async () => (await capturedTimes()).length > 0, 40_000, "a first snapshot");
    const pid = process.pid;

    await pg.stop();
    const during = await graphql(SNAPSHOTS);
    expect(during.status, JSON.stringify(during.body)).toBe(503);
    expect(during.body.errors?.map((e) => e.extensions?.code)).toEqual([SERVICE_UNAVAILABLE]);
    expect(during.body.errors![0]!.message).toMatch(/database/);
    expect(during.ms).toBeLessThan(10_000);
    expect(await readiness()).toBe(503);
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
    // Long enough for capture to take an image it cannot record.
    await new Promise((r) => setTimeout(r, 7_000));
    expect((await graphql(SNAPSHOTS)).body.errors?.[0]?.extensions?.code).toBe(SERVICE_UNAVAILABLE);
    expect(process.pid).toBe(pid);
    expect(push!.process.exitCode).toBeNull();
    // Capture goes on through the outage: its ffmpeg is not stopped for images it could not record.
    expect(t.app.engine.active()).toHaveLength(1);
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(Number(/^livesnap_snapshots_unrecorded_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);

    await pg.start();
    const upAt = Date.now();
    await waitFor(async () => (await readiness()) === 200, 10_000, "ready again within 10 s");
    await waitFor(async () => (await graphql(SNAPSHOTS)).body.errors === undefined, 10_000 - (Date.now() - upAt), "the API answering within 10 s");
    await waitFor(async () => (await capturedTimes()).some((at) => at > upAt), 20_000, "a snapshot taken after the outage");
    expect(t.app.engine.active()).toHaveLength(1);
  }, 120_000);
});
