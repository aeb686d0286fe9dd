import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveStreamsTable } from "../src/db/schema";
import { graphql } from "./gql";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { sample } from "./support/embedded-rtmp";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { pushWithGstreamer } from "./support/gst-push";
import { runFfmpeg } from "./support/ingest-ffmpeg";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { RawRtmpClient } from "./support/raw-rtmp-client";
import { waitFor } from "./support/wait";

const RulesSnapshots = graphql(`
  query E2ERulesSnapshots($domain: String!, $app: String, $stream: String) {
    snapshots(domain: $domain, app: $app, stream: $stream) {
      edges { node { key sourceId domain appName streamName capturedAt } }
    }
  }
`);

const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };
const BOB_DOMAIN = "push.bob.test";

describe("embedded ingest rules, end to end", () => {
  let t: TestApp;
  let rtmpPort: number;
  let alice: Run;
  let bob: Run;
  let aliceSource: string;
  let bobSource: string;
  const pushes: Push[] = [];
  const track = (p: Push) => {
    pushes.push(p);
    return p;
  };
  const metric = (name: string, labels: Record<string, string>) => sample(t.app.metrics.render(), name, labels);
  const snapshotsOf = async (run: Run, domain: string) =>
    (await run(RulesSnapshots, { domain, app: "live", stream: "cam1" })).data!.snapshots.edges.map((e) => e.node);

  beforeAll(async () => {
    rtmpPort = await freePort();
    t = await startTestApp({ RTMP_PORT: String(rtmpPort), RTMP_HANDSHAKE_TIMEOUT_SECONDS: "2", RTMP_PUBLISH_TIMEOUT_SECONDS: "5" });
    alice = httpRunner(t.app.url, await t.token("alice"));
    bob = httpRunner(t.app.url, await t.token("bob"));
    aliceSource = (await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: "localhost", playDomain: "play.alice.test" })).sourceId;
    bobSource = (await createOpenDomainGroup(t.app.database.db, bob, { pushDomain: BOB_DOMAIN, playDomain: "play.bob.test" })).sourceId;
    for (const [run, domain] of [[alice, "localhost"], [bob, BOB_DOMAIN]] as const) {
      const template = (await run(CreateTemplate, {
        input: { name: "thumbs", format: "JPG", intervalSeconds: 5, width: 160, storageMode: "SEQUENCE" },
      })).data!.createSnapshotTemplate.id;
      await run(CreateConfig, { input: { domain, templateId: template } });
    }
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await t?.stop();
  });

  it("captures two accounts' live/cam1 at once into their own SourceIDs, refuses strangers' plays and a second publisher", async () => {
    track(pushTestStream({ url: `rtmp://localhost:${rtmpPort}/live/cam1`, ...SOURCE }));
    track(pushWithGstreamer({ target: { port: rtmpPort, app: "live", stream: `cam1?vhost=${BOB_DOMAIN}` } }));

    await waitFor(async () => (await snapshotsOf(alice, "localhost")).length > 0 && (await snapshotsOf(bob, BOB_DOMAIN)).length > 0, 40_000, "a snapshot of each stream");
    const [mine] = await snapshotsOf(alice, "localhost");
    const [theirs] = await snapshotsOf(bob, BOB_DOMAIN);
    expect(mine).toMatchObject({ sourceId: aliceSource, domain: "localhost", appName: "live", streamName: "cam1" });
    expect(mine!.key).toMatch(new RegExp(`^snapshot/\\d{8}/${aliceSource}/live/cam1/\\d+\\.jpg$`));
    expect(theirs).toMatchObject({ sourceId: bobSource, domain: BOB_DOMAIN, appName: "live", streamName: "cam1" });
    expect(theirs!.key).toMatch(new RegExp(`^snapshot/\\d{8}/${bobSource}/live/cam1/\\d+\\.jpg$`));
    expect(await snapshotsOf(alice, BOB_DOMAIN)).toEqual([]);

    // What is stored is a pull URL without any credential; playing it, or the pushed path, is refused.
    const rows = await t.app.database.db
      .select({ domain: liveStreamsTable.domain, pullUrl: liveStreamsTable.pullUrl })
      .from(liveStreamsTable)
      .where(and(eq(liveStreamsTable.status, "LIVE"), eq(liveStreamsTable.streamName, "cam1")));
    expect(rows.map((r) => r.pullUrl).sort()).toEqual([
      `rtmp://127.0.0.1:${rtmpPort}/localhost/live/cam1`,
      `rtmp://127.0.0.1:${rtmpPort}/${BOB_DOMAIN}/live/cam1`,
    ]);
    for (const url of [rows[0]!.pullUrl!, `rtmp://127.0.0.1:${rtmpPort}/live/cam1`]) {
      const run = await runFfmpeg(["-i", url, "-frames:v", "1", "-f", "null", "-"], 15_000);
      expect(run.code, url).not.toBe(0);
    }
    expect(metric("livesnap_rtmp_refused_total", { reason: "play_unauthorized" })).toBe(2);

    // A second publisher of bob's live/cam1 is refused; bob's stream keeps being captured.
    const second = track(pushTestStream({ url: `rtmp://127.0.0.1:${rtmpPort}/live/cam1?vhost=${BOB_DOMAIN}`, ...SOURCE, durationSeconds: 30 }));
    const code = await Promise.race([second.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 15_000))]);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    const refusedAt = Date.now();
    expect(metric("livesnap_rtmp_refused_total", { reason: "already_live" })).toBe(1);
    await waitFor(
      async () => (await snapshotsOf(bob, BOB_DOMAIN)).some((s) => new Date(s.capturedAt).getTime() > refusedAt),
      20_000,
      "a snapshot of bob's stream after the refusal",
    );
    const live = await t.app.database.db
      .select({ id: liveStreamsTable.id })
      .from(liveStreamsTable)
      .where(and(eq(liveStreamsTable.status, "LIVE"), eq(liveStreamsTable.domain, BOB_DOMAIN)));
    expect(live).toHaveLength(1);
  });

  it("closes connections that never handshake or never publish at the configured deadlines, counted in the metrics", async () => {
    const openedAt = Date.now();
    const silent = await RawRtmpClient.open(rtmpPort);
    const handshaken = await RawRtmpClient.open(rtmpPort);
    await handshaken.handshake();
    const [silentAt, handshakenAt] = await Promise.all([silent.closed, handshaken.closed]);
    expect(silentAt - openedAt).toBeGreaterThanOrEqual(1_950);
    expect(silentAt - openedAt).toBeLessThan(4_500);
    expect(handshakenAt - openedAt).toBeGreaterThanOrEqual(4_950);
    expect(handshakenAt - openedAt).toBeLessThan(8_000);
    expect(metric("livesnap_rtmp_timeouts_total", { phase: "handshake" })).toBe(1);
    expect(metric("livesnap_rtmp_timeouts_total", { phase: "publish" })).toBe(1);
  });
});
