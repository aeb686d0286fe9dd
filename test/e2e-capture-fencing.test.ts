import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveStreamsTable, snapshotsTable } from "../src/db/schema";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { createOpenDomainGroup } from "./support/open-domain-group";
import { CreateConfig, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { signedPushUrl } from "./support/push-url";
import { waitFor } from "./support/wait";

/** Only the worker holding a stream's LIVE row stores and records its snapshots. */
describe("snapshot writes are fenced by the stream's holder", () => {
  let t: TestApp;
  let alice: Run;
  const pushes: Push[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RTMP_PORT: String(await freePort()) });
    alice = httpRunner(t.app.url, await t.token("alice"));
    await createOpenDomainGroup(t.app.database.db, alice, { pushDomain: "localhost", playDomain: "play.example.com" });
    const template = (await alice(CreateTemplate, {
      input: { name: "fenced", format: "JPG", intervalSeconds: 5, width: 64, storageMode: "SEQUENCE" },
    })).data!.createSnapshotTemplate.id;
    await alice(CreateConfig, { input: { domain: "localhost", appName: "live", templateId: template } });
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await t?.stop();
  });

  const rowsOf = (stream: string) =>
    t.app.database.db.select().from(snapshotsTable).where(and(eq(snapshotsTable.appName, "live"), eq(snapshotsTable.streamName, stream)));

  it("stops capturing a stream whose row another worker took over, and records nothing more for it", async () => {
    pushes.push(pushTestStream({ url: await signedPushUrl(alice, "localhost", "live", "taken"), width: 320, height: 180, fps: 15, gop: 15 }));
    pushes.push(pushTestStream({ url: await signedPushUrl(alice, "localhost", "live", "kept"), width: 320, height: 180, fps: 15, gop: 15 }));
    await waitFor(async () => (await rowsOf("taken")).length >= 1 && (await rowsOf("kept")).length >= 1, 20_000, "first snapshots");
    const [row] = await t.app.database.db.select().from(liveStreamsTable).where(eq(liveStreamsTable.streamName, "taken"));
    // Another instance's worker now holds the row (as after a takeover), with a lease of its own.
    await t.app.database.db
      .update(liveStreamsTable)
      .set({ workerId: "other-instance/run-2", leaseUntil: new Date(Date.now() + 3_600_000) })
      .where(eq(liveStreamsTable.id, row!.id));
    const before = (await rowsOf("taken")).length;
    await waitFor(() => !t.app.engine.active().includes(row!.id), 10_000, "capture of the taken stream stopped");
    const keptBefore = (await rowsOf("kept")).length;
    // One more interval: the kept stream goes on, the taken one stays as it was.
    await waitFor(async () => (await rowsOf("kept")).length >= keptBefore + 1, 15_000, "the other stream's next snapshots");
    const after = (await rowsOf("taken")).length;
    expect(after - before).toBeLessThanOrEqual(1); // one image may have been recorded just before the change
    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(metrics).toMatch(/^livesnap_snapshots_refused_not_held_total [1-9]\d*$/m);
  });
});
