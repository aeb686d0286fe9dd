import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveStreamsTable } from "../src/db/schema";
import { graphql } from "./gql";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { fetchImage } from "./support/image-header";
import { startNginxRtmp, type NginxRtmp } from "./support/nginx-rtmp";
import { CreateConfig, CreateDomainGroup, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { signedPushUrl } from "./support/push-url";
import { killPid } from "./support/process-alive";
import { waitFor } from "./support/wait";
import { openWsClient, subscribe } from "./support/ws-client";

const LiveStreams = graphql(`
  query HookedLiveStreams($domain: String) {
    liveStreams(domain: $domain) { edges { node { id streamName status template { name } } } }
  }
`);

const SUBSCRIPTION = `subscription Hooked($domain: String) {
  snapshotCreated(domain: $domain) { domain appName streamName key format width height capturedAt url }
}`;
interface Event {
  snapshotCreated: { domain: string; appName: string; streamName: string; key: string; format: string; width: number; height: number; capturedAt: string; url: string };
}

const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };
const SECRET = "hook-secret-for-tests";
const DOMAIN = "hooked.example.com";

describe("end to end through nginx-rtmp hooks", () => {
  let t: TestApp;
  let nginx: NginxRtmp;
  let alice: Run;
  let token: string;
  const pushes: Push[] = [];

  beforeAll(async () => {
    const nginxPort = await freePort();
    t = await startTestApp(
      {
        HOOK_SECRET: SECRET,
        PULL_URL_NGINX_RTMP: `rtmp://127.0.0.1:${nginxPort}/{app}/{stream}`,
        // Publishers reach nginx, not livesnap; the domain then travels as vhost=.
        PUSH_URL_BASE: `rtmp://127.0.0.1:${nginxPort}`,
      },
      // Quick reconnects so a dropped pull is back within the test's patience.
      { captureTunables: { reconnectInitialDelayMs: 500, reconnectMaxDelayMs: 2_000 } },
    );
    nginx = await startNginxRtmp({ hookUrl: `${t.app.url}/hooks/nginx-rtmp?secret=${SECRET}`, port: nginxPort });
    token = await t.token("alice");
    alice = httpRunner(t.app.url, token);
    await alice(CreateDomainGroup, { input: { pushDomain: DOMAIN, playDomain: "play.hooked.example.com" } });
    const tpl = await alice(CreateTemplate, {
      input: { name: "hooked", format: "JPG", intervalSeconds: 5, width: 128, height: 128, fillMode: "PAD_WHITE", storageMode: "COVERAGE" },
    });
    await alice(CreateConfig, { input: { domain: DOMAIN, templateId: tpl.data!.createSnapshotTemplate.id } });
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await nginx?.stop();
    await t?.stop();
  });

  it("captures a stream pushed to nginx, announces it over SSE too, and ends it on unpublish", async () => {
    const client = openWsClient(t.app.url, token);
    const sub = subscribe<Event>(client, SUBSCRIPTION, { domain: DOMAIN });
    const sse = new AbortController();
    const sseEvent = readFirstSseEvent(t.app.url, token, DOMAIN, sse.signal);
    const p = pushTestStream({ url: `${await signedPushUrl(alice, DOMAIN, "live", "cam1")}&token=abc`, ...SOURCE });
    pushes.push(p);
    try {
      const first = (await sub.next(25_000)).snapshotCreated;
      expect(first).toMatchObject({ domain: DOMAIN, appName: "live", streamName: "cam1", format: "JPG", width: 128, height: 128 });
      const image = await fetchImage(first.url);
      expect(image.info).toEqual({ format: "JPG", width: 128, height: 128 });
      const viaSse = await sseEvent;
      expect(viaSse).toMatchObject({ domain: DOMAIN, streamName: "cam1", key: first.key });

      await p.stop();
      await waitFor(async () => {
        const r = await alice(LiveStreams, { domain: DOMAIN });
        return r.data!.liveStreams.edges.some((e) => e.node.streamName === "cam1" && e.node.status === "ENDED");
      }, 10_000);
    } finally {
      sse.abort();
      await sub.close();
      await client.dispose();
    }
  });

  it("keeps capturing when every decoder worker is killed: the pool replaces them", async () => {
    const client = openWsClient(t.app.url, token);
    const sub = subscribe<Event>(client, SUBSCRIPTION, { domain: DOMAIN });
    const p = pushTestStream({ url: await signedPushUrl(alice, DOMAIN, "live", "cam2"), ...SOURCE });
    pushes.push(p);
    try {
      await sub.next(25_000, (e) => e.snapshotCreated.streamName === "cam2");
      const before = t.app.decoders.workerPids();
      expect(before.length).toBeGreaterThan(0);
      for (const pid of before) killPid(pid, "SIGKILL");
      const killedAt = Date.now();
      // The next boundary is at most one interval (5 s) away, plus one GOP for its keyframe.
      const after = await sub.next(12_000, (e) => e.snapshotCreated.streamName === "cam2" && Date.parse(e.snapshotCreated.capturedAt) > killedAt);
      expect(after.snapshotCreated.width).toBe(128);
      const now = t.app.decoders.workerPids();
      expect(now.length).toBe(before.length);
      for (const pid of now) expect(before).not.toContain(pid);
      expect(t.app.decoders.stats().restarts).toBeGreaterThanOrEqual(before.length);
    } finally {
      await p.stop();
      await sub.close();
      await client.dispose();
    }
  });

  it("refuses a push to a domain no account owns: nginx drops it and nothing is recorded", async () => {
    const p = pushTestStream({ url: `rtmp://127.0.0.1:${nginx.port}/live/stray?vhost=nobody.example.com`, ...SOURCE });
    pushes.push(p);
    expect(await p.exited).not.toBe(0);
    expect(t.app.engine.active()).toEqual([]);
    const recorded = await t.app.database.db.select().from(liveStreamsTable).where(eq(liveStreamsTable.domain, "nobody.example.com"));
    expect(recorded).toEqual([]);
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(metrics).toMatch(/^livesnap_publish_refusals_total\{source="nginx-rtmp",reason="unknown_domain"\} 1$/m);
  });
});

/** Subscribes over Server-Sent Events, as a browser's EventSource would, and returns the first event. */
async function readFirstSseEvent(baseUrl: string, token: string, domain: string, signal: AbortSignal) {
  const query = `subscription { snapshotCreated(domain: "${domain}") { domain streamName key } }`;
  const response = await fetch(`${baseUrl}/graphql?query=${encodeURIComponent(query)}`, {
    headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
    signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("SSE stream ended without an event");
    buffer += decoder.decode(value, { stream: true });
    const match = /^data: (.+)$/m.exec(buffer);
    if (match && match[1]!.includes("snapshotCreated")) {
      await reader.cancel();
      return (JSON.parse(match[1]!) as { data: { snapshotCreated: Record<string, string> } }).data.snapshotCreated;
    }
  }
}
