import { and, eq } from "drizzle-orm";
import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { liveStreamsTable } from "../src/db/schema";
import { httpRunner } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { startNginxRtmp, type NginxRtmp } from "./support/nginx-rtmp";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { isAlive } from "./support/process-alive";
import { capturingLogger } from "./support/storage-log";
import { openWsClient, subscribe, type Subscription } from "./support/ws-client";

const SECRET = "second-publisher-hook-secret";
const DOMAIN = "twice.example.com";
const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };
const SUBSCRIPTION = `subscription Twice($domain: String) { snapshotCreated(domain: $domain) { streamName capturedAt } }`;
interface Event {
  snapshotCreated: { streamName: string; capturedAt: string };
}

describe("a second publisher of a live stream", () => {
  let t: TestApp;
  let rtmpPort: number;
  /** The media server capture reads hooked streams from. */
  let edgeA: NginxRtmp;
  /** A second media server of the same operator, hooked to the same livesnap. */
  let edgeB: NginxRtmp;
  let token: string;
  let client: Client;
  const log = capturingLogger();
  const pushes: Push[] = [];

  beforeAll(async () => {
    const portA = await freePort();
    rtmpPort = await freePort();
    t = await startTestApp(
      { HOOK_SECRET: SECRET, RTMP_PORT: String(rtmpPort), PULL_URL_NGINX_RTMP: `rtmp://127.0.0.1:${portA}/{app}/{stream}` },
      { logger: log.logger },
    );
    const hookUrl = `${t.app.url}/hooks/nginx-rtmp?secret=${SECRET}`;
    edgeA = await startNginxRtmp({ hookUrl, port: portA });
    edgeB = await startNginxRtmp({ hookUrl });
    token = await t.token("alice");
    const alice = httpRunner(t.app.url, token);
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: DOMAIN, playDomain: "play.twice.example.com" });
    const tpl = await alice(CreateTemplate, { input: { name: "twice", format: "JPG", intervalSeconds: 5, storageMode: "COVERAGE" } });
    await alice(CreateConfig, { input: { domain: DOMAIN, templateId: tpl.data!.createSnapshotTemplate.id } });
    client = openWsClient(t.app.url, token);
  });
  afterEach(async () => {
    await Promise.all(pushes.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await client?.dispose();
    await edgeA?.stop();
    await edgeB?.stop();
    await t?.stop();
  });

  const push = (url: string) => {
    const p = pushTestStream({ url, ...SOURCE });
    pushes.push(p);
    return p;
  };
  const embeddedUrl = (stream: string) => `rtmp://127.0.0.1:${rtmpPort}/live/${stream}?vhost=${DOMAIN}`;
  const nginxUrl = (edge: NginxRtmp, stream: string) => `rtmp://127.0.0.1:${edge.port}/live/${stream}?vhost=${DOMAIN}`;
  const liveRows = (stream: string) =>
    t.app.database.db
      .select()
      .from(liveStreamsTable)
      .where(and(eq(liveStreamsTable.streamName, stream), eq(liveStreamsTable.status, "LIVE")));

  /** The publisher is turned away: its ffmpeg ends with an error soon after connecting. */
  async function expectRefused(p: Push, stream: string) {
    const code = await Promise.race([p.exited, new Promise<"still publishing">((r) => setTimeout(() => r("still publishing"), 20_000))]);
    expect(code).not.toBe("still publishing");
    expect(code).not.toBe(0);
    const refusals = log.records.filter((r) => r.msg === "publish refused: the stream is already live" && r.stream === stream);
    expect(refusals).toHaveLength(1);
    return refusals[0]!;
  }

  /** The first publish stays captured and its row untouched, with a further snapshot after the refusal. */
  async function expectFirstKept(stream: string, before: Awaited<ReturnType<typeof liveRows>>, sub: Subscription<Event>) {
    const refusedAt = Date.now();
    await sub.next(25_000, (e) => e.snapshotCreated.streamName === stream && Date.parse(e.snapshotCreated.capturedAt) > refusedAt);
    // Only its holder's lease renewals may have touched it.
    const withoutLease = (rows: Awaited<ReturnType<typeof liveRows>>) => rows.map(({ leaseUntil: _, ...row }) => row);
    expect(withoutLease(await liveRows(stream))).toEqual(withoutLease(before));
    expect(t.app.engine.active()).toEqual([before[0]!.id]);
  }

  it("an embedded push of a stream live through a hook is refused; the hooked one keeps being captured", async () => {
    const sub = subscribe<Event>(client, SUBSCRIPTION, { domain: DOMAIN });
    try {
      push(nginxUrl(edgeA, "one"));
      await sub.next(25_000, (e) => e.snapshotCreated.streamName === "one");
      const before = await liveRows("one");
      expect(before).toMatchObject([{ source: "nginx-rtmp" }]);
      const refusal = await expectRefused(push(embeddedUrl("one")), "one");
      expect(refusal).toMatchObject({ source: "embedded", liveVia: "nginx-rtmp" });
      await expectFirstKept("one", before, sub);
    } finally {
      await sub.close();
    }
  });

  it("a hooked push of a stream live on the embedded ingest is refused; the embedded one keeps being captured", async () => {
    const sub = subscribe<Event>(client, SUBSCRIPTION, { domain: DOMAIN });
    try {
      push(embeddedUrl("two"));
      await sub.next(25_000, (e) => e.snapshotCreated.streamName === "two");
      const before = await liveRows("two");
      expect(before).toMatchObject([{ source: "embedded" }]);
      const refusal = await expectRefused(push(nginxUrl(edgeA, "two")), "two");
      expect(refusal).toMatchObject({ source: "nginx-rtmp", liveVia: "embedded" });
      await expectFirstKept("two", before, sub);
    } finally {
      await sub.close();
    }
  });

  it("a push to another media server of a stream live through the first is refused; the first keeps being captured", async () => {
    const sub = subscribe<Event>(client, SUBSCRIPTION, { domain: DOMAIN });
    try {
      push(nginxUrl(edgeA, "three"));
      await sub.next(25_000, (e) => e.snapshotCreated.streamName === "three");
      const before = await liveRows("three");
      const refusal = await expectRefused(push(nginxUrl(edgeB, "three")), "three");
      expect(refusal).toMatchObject({ source: "nginx-rtmp", liveVia: "nginx-rtmp", liveStreamId: before[0]!.id });
      await expectFirstKept("three", before, sub);
    } finally {
      await sub.close();
    }
  });

  it("a publish its media server lost without publish_done does not block the stream for long", async () => {
    const sub = subscribe<Event>(client, SUBSCRIPTION, { domain: DOMAIN });
    try {
      push(nginxUrl(edgeA, "four"));
      await sub.next(25_000, (e) => e.snapshotCreated.streamName === "four");
      const [lost] = await liveRows("four");
      // The media server dies at once: nobody tells livesnap that the publish ended.
      expect(isAlive(edgeA.pid)).toBe(true);
      process.kill(edgeA.pid, "SIGKILL");
      await edgeA.stop();
      edgeA = await startNginxRtmp({ hookUrl: `${t.app.url}/hooks/nginx-rtmp?secret=${SECRET}`, port: edgeA.port });
      // The encoder reconnects to the restarted server, again and again as encoders do, until it is let in.
      const startedAt = Date.now();
      let attempts = 0;
      let accepted: Push | undefined;
      while (accepted === undefined && Date.now() - startedAt < 45_000) {
        attempts += 1;
        const p = push(nginxUrl(edgeA, "four"));
        const ended = await Promise.race([p.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
        if (!ended) accepted = p;
      }
      expect(accepted).toBeDefined();
      expect(attempts).toBeGreaterThan(1);
      const since = Date.now();
      await sub.next(25_000, (e) => e.snapshotCreated.streamName === "four" && Date.parse(e.snapshotCreated.capturedAt) > since);
      const [row] = await liveRows("four");
      expect(row!.id).not.toBe(lost!.id);
      expect(t.app.engine.active()).toEqual([row!.id]);
      expect(log.records.some((r) => r.msg?.toString().startsWith("ended a hooked stream its media server no longer has") && r.liveStreamId === lost!.id)).toBe(true);
    } finally {
      await sub.close();
    }
  }, 120_000);
});
