import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainGroupsTable, liveStreamsTable, snapshotsTable, snapshotTemplatesTable, type LiveStreamRow } from "../src/db/schema";
import { freezeTemplate } from "../src/domain/streams";
import type { StreamSignal } from "../src/ingest/types";
import { httpRunner } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { startHookServer, type HookServer } from "./support/ingest-hook-server";
import { startNginxRtmp, type NginxRtmp } from "./support/nginx-rtmp";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { capturingLogger } from "./support/storage-log";
import { waitFor } from "./support/wait";

const SECRET = "one-live-hook-secret";
const DOMAIN = "one.example.com";
/** A domain group no template is bound to: its publishes are recorded, never captured. */
const BARE_DOMAIN = "bare.example.com";
const LEASE_MS = 1_500;
const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

describe("one LIVE row per stream", () => {
  let t: TestApp;
  const log = capturingLogger();
  let templateId: string;
  // A media server with the crowd's stream on it, whose own hooks say yes: the hooks under test are sent by the tests.
  let yes: HookServer;
  let nginx: NginxRtmp;
  let crowd: Push;

  beforeAll(async () => {
    yes = await startHookServer(async (_req, res) => {
      res.writeHead(200).end();
      return true;
    });
    nginx = await startNginxRtmp({ hookUrl: `${yes.origin}/hooks` });
    crowd = pushTestStream({ url: `rtmp://127.0.0.1:${nginx.port}/live/crowd`, ...SOURCE });
    t = await startTestApp(
      { HOOK_SECRET: SECRET, PULL_URL_NGINX_RTMP: `rtmp://127.0.0.1:${nginx.port}/{app}/{stream}` },
      { streamLeaseMs: LEASE_MS, logger: log.logger },
    );
    const alice = httpRunner(t.app.url, await t.token("alice"));
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: DOMAIN, playDomain: "play.one.example.com" });
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: BARE_DOMAIN, playDomain: "play.bare.example.com" });
    const tpl = await alice(CreateTemplate, { input: { name: "one", format: "JPG", intervalSeconds: 5, storageMode: "COVERAGE" } });
    templateId = tpl.data!.createSnapshotTemplate.id;
    await alice(CreateConfig, { input: { domain: DOMAIN, templateId } });
  });
  afterAll(async () => {
    await t?.stop();
    await crowd?.stop();
    await nginx?.stop();
    await yes?.close();
  });

  const db = () => t.app.database.db;
  const liveRows = (stream: string) =>
    db()
      .select()
      .from(liveStreamsTable)
      .where(and(eq(liveStreamsTable.streamName, stream), eq(liveStreamsTable.status, "LIVE")));
  const rowById = async (id: string) => (await db().select().from(liveStreamsTable).where(eq(liveStreamsTable.id, id)))[0]!;

  const hook = (call: "publish" | "publish_done", stream: string, clientId: number) =>
    fetch(`${t.app.url}/hooks/nginx-rtmp?secret=${SECRET}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ call, app: "live", name: stream, tcurl: `rtmp://${DOMAIN}/live`, addr: "192.0.2.1", clientid: String(clientId) }).toString(),
    });

  const embedded = (stream: string): StreamSignal => ({
    source: "embedded",
    domain: DOMAIN,
    app: "live",
    stream,
    pullUrl: `rtmp://127.0.0.1:9/live/${stream}`,
    clientId: stream,
    query: new URLSearchParams(),
  });

  /** A LIVE row as a holder other than this process left it. */
  async function plantLiveRow(stream: string, holder: { workerId: string; leaseUntil: Date }): Promise<LiveStreamRow> {
    const [tpl] = await db().select().from(snapshotTemplatesTable).where(eq(snapshotTemplatesTable.id, templateId));
    const [group] = await db().select().from(domainGroupsTable).where(eq(domainGroupsTable.pushDomain, DOMAIN));
    const [row] = await db()
      .insert(liveStreamsTable)
      .values({ accountId: group!.accountId, domainGroupId: group!.id, sourceId: group!.sourceId, domain: DOMAIN, appName: "live", streamName: stream, source: "nginx-rtmp", pullUrl: `rtmp://127.0.0.1:${nginx.port}/live/${stream}`, template: freezeTemplate(tpl!), ...holder })
      .returning();
    return row!;
  }

  it("20 concurrent hook publishes of one stream: one accepted, one row, one capture", async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => hook("publish", "crowd", i + 1)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(19).fill(403)]);
    const refusal = await answers.find((a) => a.status === 403)!.text();
    expect(refusal).toContain("already being published");
    const rows = await liveRows("crowd");
    expect(rows).toHaveLength(1);
    expect(t.app.engine.active().filter((id) => id === rows[0]!.id)).toHaveLength(1);
    expect(t.app.engine.active()).toHaveLength(1);
    expect(log.records.filter((r) => r.msg === "publish refused: the stream is already live" && r.stream === "crowd")).toHaveLength(19);
    // The refusals made livesnap check that the media server still has the first publish: it does.
    await waitFor(
      async () => (await db().select().from(snapshotsTable).where(eq(snapshotsTable.streamName, "crowd"))).length > 0,
      25_000,
      "a snapshot of the one capture",
    );
    expect(await liveRows("crowd")).toEqual([expect.objectContaining({ id: rows[0]!.id })]);
    expect((await hook("publish_done", "crowd", 1)).status).toBe(200);
    expect(await liveRows("crowd")).toHaveLength(0);
    expect(t.app.engine.active()).toEqual([]);
  });

  it("20 concurrent publishes through the lifecycle: exactly one accepted", async () => {
    const { lifecycle } = t.app.liveCapture;
    const decisions = await Promise.all(Array.from({ length: 20 }, () => lifecycle.published(embedded("rush"))));
    expect(decisions.filter((d) => d.accepted)).toHaveLength(1);
    expect(decisions.filter((d) => !d.accepted && d.reason === "already_live")).toHaveLength(19);
    const rows = await liveRows("rush");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: "embedded", workerId: t.app.liveCapture.workerId });
    expect(t.app.engine.active()).toEqual([rows[0]!.id]);
    await lifecycle.unpublished(embedded("rush"));
    expect(t.app.engine.active()).toEqual([]);
  });

  it("a hook unpublish does not end the stream another ingest holds", async () => {
    const { lifecycle } = t.app.liveCapture;
    expect(await lifecycle.published(embedded("mixed"))).toEqual({ accepted: true });
    expect((await hook("publish", "mixed", 77)).status).toBe(403);
    // A media server that reports the end of a publish it was refused must not end the live one.
    expect((await hook("publish_done", "mixed", 77)).status).toBe(200);
    const [row] = await liveRows("mixed");
    expect(row).toMatchObject({ source: "embedded", status: "LIVE" });
    expect(t.app.engine.active()).toEqual([row!.id]);
    await lifecycle.unpublished(embedded("mixed"));
    expect(await liveRows("mixed")).toHaveLength(0);
  });

  it("a LIVE row of another instance with a running lease blocks a new publish, untouched", async () => {
    const planted = await plantLiveRow("held", { workerId: "other-instance/run1", leaseUntil: new Date(Date.now() + 60_000) });
    const answer = await hook("publish", "held", 5);
    expect(answer.status).toBe(403);
    expect(await rowById(planted.id)).toEqual(planted);
    expect(t.app.engine.active()).toEqual([]);
    expect(await liveRows("held")).toHaveLength(1);
  });

  it("a LIVE row whose lease expired does not block a new publish", async () => {
    const stale = await plantLiveRow("stale", { workerId: "other-instance/run1", leaseUntil: new Date(Date.now() - 1_000) });
    expect((await hook("publish", "stale", 6)).status).toBe(200);
    expect(await rowById(stale.id)).toMatchObject({ status: "ENDED", workerId: null, leaseUntil: null });
    const [row] = await liveRows("stale");
    expect(row).toMatchObject({ workerId: t.app.liveCapture.workerId });
    expect(row!.id).not.toBe(stale.id);
    expect(t.app.engine.active()).toEqual([row!.id]);
    await hook("publish_done", "stale", 6);
  });

  it("a LIVE row of an earlier run of this instance does not block a new publish, even within its lease", async () => {
    const instance = t.app.liveCapture.workerId.split("/")[0]!;
    const earlier = await plantLiveRow("earlier", { workerId: `${instance}/deadbeef`, leaseUntil: new Date(Date.now() + 60_000) });
    expect((await hook("publish", "earlier", 7)).status).toBe(200);
    expect((await rowById(earlier.id)).status).toBe("ENDED");
    expect(await liveRows("earlier")).toHaveLength(1);
    await hook("publish_done", "earlier", 7);
  });

  it("every LIVE row has a holder and a lease, also one recorded without capture, and the lease is renewed", async () => {
    const bare = await fetch(`${t.app.url}/hooks/nginx-rtmp?secret=${SECRET}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ call: "publish", app: "live", name: "bare", tcurl: `rtmp://${BARE_DOMAIN}/live`, clientid: "8" }).toString(),
    });
    expect(bare.status).toBe(200);
    const [row] = await db().select().from(liveStreamsTable).where(eq(liveStreamsTable.domain, BARE_DOMAIN));
    expect(row).toMatchObject({ status: "LIVE", template: null, workerId: t.app.liveCapture.workerId });
    expect(t.app.engine.active()).not.toContain(row!.id);
    const firstLease = row!.leaseUntil!.getTime();
    await waitFor(async () => (await rowById(row!.id)).leaseUntil!.getTime() > firstLease, 5_000, "lease renewed");
  });

  it("stops capturing a stream whose row another worker took over, and says so", async () => {
    expect((await hook("publish", "taken", 9)).status).toBe(200);
    const [row] = await liveRows("taken");
    expect(t.app.engine.active()).toContain(row!.id);
    await db().update(liveStreamsTable).set({ workerId: "other-instance/run2" }).where(eq(liveStreamsTable.id, row!.id));
    await waitFor(() => !t.app.engine.active().includes(row!.id), 5_000, "capture stopped");
    const warning = log.records.find((r) => r.msg?.toString().startsWith("no longer holds these live streams"));
    expect(warning?.liveStreamIds).toEqual([row!.id]);
    // The other worker's row is left as it is.
    expect(await rowById(row!.id)).toMatchObject({ status: "LIVE", workerId: "other-instance/run2" });
  });

  it("a restart settles its earlier runs' rows at once, and leaves another instance's running lease alone", async () => {
    const instance = t.app.liveCapture.workerId.split("/")[0]!;
    const inLease = new Date(Date.now() + 60_000);
    const others = await plantLiveRow("others", { workerId: "other-instance/run3", leaseUntil: inLease });
    const hooked = await plantLiveRow("was-hooked", { workerId: `${instance}/crashed1`, leaseUntil: inLease });
    const [embeddedRow] = await db()
      .update(liveStreamsTable)
      .set({ source: "embedded" })
      .where(eq(liveStreamsTable.id, (await plantLiveRow("was-embedded", { workerId: `${instance}/crashed1`, leaseUntil: inLease })).id))
      .returning();
    await t.restart();
    const restarted = t.app.liveCapture.workerId;
    expect(restarted.startsWith(`${instance}/`)).toBe(true);
    await waitFor(async () => (await rowById(embeddedRow!.id)).status === "ENDED", 2_000, "the earlier run's embedded stream ended");
    // The hooked one is taken over and captured again at once; a probe decides later whether it stays.
    expect(await rowById(hooked.id)).toMatchObject({ status: "LIVE", workerId: restarted });
    expect(t.app.engine.active()).toContain(hooked.id);
    expect(await rowById(others.id)).toEqual(others);
  });
});
