import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveStreamsTable } from "../src/db/schema";
import { signPushAuthKey } from "../src/domain/push-auth";
import { graphql } from "./gql";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { pushWithGstreamer } from "./support/gst-push";
import { CreateConfig, CreateDomainGroup, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { publishChecks, REFUSED_WITHIN_SECONDS } from "./support/publish-checks";
import { publishRefusals } from "./support/publish-refusals";
import { PushUrl, RotatePushAuthKey, UpdateDomainGroup } from "./support/push-url";

const Keys = graphql(`
  query EmbeddedPushKeys { domainGroups { edges { node { id pushDomain pushAuthKeys { primary backup } } } } }
`);

const SOURCE = { width: 320, height: 180, fps: 15, gop: 15 };

describe("signed publish URLs on the embedded ingest", () => {
  let t: TestApp;
  let rtmpPort: number;
  let alice: Run;
  let bob: Run;
  let groupId: string;
  const pushes: Push[] = [];

  beforeAll(async () => {
    rtmpPort = await freePort();
    t = await startTestApp({ RTMP_PORT: String(rtmpPort) });
    alice = httpRunner(t.app.url, await t.token("alice"));
    bob = httpRunner(t.app.url, await t.token("bob"));
    groupId = (await alice(CreateDomainGroup, { input: { pushDomain: "localhost", playDomain: "play.example.com" } })).data!.createDomainGroup.id;
    await bob(CreateDomainGroup, { input: { pushDomain: "push.bob.example.com", playDomain: "play.bob.example.com" } });
    const tpl = await alice(CreateTemplate, { input: { name: "auth", format: "JPG", intervalSeconds: 5, width: 64, storageMode: "COVERAGE" } });
    await alice(CreateConfig, { input: { domain: "localhost", templateId: tpl.data!.createSnapshotTemplate.id } });
  });
  afterAll(async () => {
    await Promise.all(pushes.map((p) => p.stop()));
    await stopAll();
    await t?.stop();
  });

  const urlFor = async (run: Run, domain: string, stream: string) => {
    const r = await run(PushUrl, { domain, app: "live", stream });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.pushUrl;
  };
  const keys = async () => (await alice(Keys)).data!.domainGroups.edges.find((e) => e.node.id === groupId)!.node.pushAuthKeys!;
  const { rowsOf, liveAndCaptured, expectAccepted, expectRefused, stopAll } = publishChecks(() => t.app, "localhost", "embedded");
  const signedWith = (key: string, stream: string, expiry = Math.floor(Date.now() / 1000) + 600) =>
    `rtmp://localhost:${rtmpPort}/live/${stream}?auth_key=${signPushAuthKey({ app: "live", stream }, key, expiry)}`;

  it("accepts a publish to pushUrl's url as returned, and captures it", async () => {
    const push = await urlFor(alice, "localhost", "signed");
    expect(push.url).toMatch(new RegExp(`^rtmp://localhost:${rtmpPort}/live/signed\\?auth_key=`));
    await expectAccepted(push.url, "signed");
  });

  it("refuses unsigned, malformed, expired, tampered, wrong-path and wrong-key publishes", async () => {
    const { primary } = await keys();
    const signed = (await urlFor(alice, "localhost", "tampered")).url;
    const tampered = signed.slice(0, -1) + (signed.endsWith("0") ? "1" : "0");
    const forOther = (await urlFor(alice, "localhost", "other")).streamKey.split("?")[1];
    await Promise.all([
      expectRefused(`rtmp://localhost:${rtmpPort}/live/unsigned`, "unsigned", "auth_missing"),
      expectRefused(`rtmp://localhost:${rtmpPort}/live/garbled?auth_key=not-a-key`, "garbled", "auth_malformed"),
      expectRefused(signedWith(primary, "expired", Math.floor(Date.now() / 1000) - 5), "expired", "auth_expired"),
    ]);
    // One at a time: each checks that the count of its reason went up by one.
    await expectRefused(tampered, "tampered", "auth_invalid");
    // A signature for another stream of the same domain.
    await expectRefused(`rtmp://localhost:${rtmpPort}/live/path?${forOther}`, "path", "auth_invalid");
    await expectRefused(signedWith(randomBytes(16).toString("hex"), "wrong-key"), "wrong-key", "auth_invalid");
    // Refused by the ingest before any key is looked at, and counted too.
    await expectRefused(`rtmp://localhost:${rtmpPort}/live/${"x".repeat(129)}`, "x".repeat(129), "invalid_name");
  });

  it("refuses a publish into another account's domain signed with the publisher's own key", async () => {
    const bobs = await urlFor(bob, "push.bob.example.com", "intruder");
    // Bob's signature for the same path, pushed to Alice's domain by host and by vhost.
    await expectRefused(`rtmp://localhost:${rtmpPort}/live/${bobs.streamKey}`, "intruder", "auth_invalid");
    const key = new URL(bobs.url).searchParams.get("auth_key")!;
    await expectRefused(`rtmp://127.0.0.1:${rtmpPort}/live/intruder?auth_key=${key}&vhost=localhost`, "intruder", "auth_invalid");
  });

  it("refuses a publish to a domain no account owns", async () => {
    const before = await publishRefusals(t.app.url, "embedded", "unknown_domain");
    const p = pushTestStream({ url: `rtmp://127.0.0.1:${rtmpPort}/live/stray?vhost=nobody.example.com`, ...SOURCE, durationSeconds: REFUSED_WITHIN_SECONDS });
    pushes.push(p);
    expect(await p.exited).not.toBe(0);
    expect(await t.app.database.db.select().from(liveStreamsTable).where(eq(liveStreamsTable.domain, "nobody.example.com"))).toEqual([]);
    expect(await publishRefusals(t.app.url, "embedded", "unknown_domain")).toBe(before + 1);
  });

  it("accepts the backup key; after a rotation the old backup is refused and the old primary accepted", async () => {
    const old = await keys();
    await expectAccepted(signedWith(old.backup, "backup"), "backup");
    const rotated = (await alice(RotatePushAuthKey, { id: groupId })).data!.rotatePushAuthKey.pushAuthKeys!;
    expect(rotated.backup).toBe(old.primary);
    await expectRefused(signedWith(old.backup, "old-backup"), "old-backup", "auth_invalid");
    await expectAccepted(signedWith(old.primary, "old-primary"), "old-primary");
    await expectAccepted((await urlFor(alice, "localhost", "new-primary")).url, "new-primary");
  });

  it("accepts unsigned publishes while the group's push auth is OFF, and refuses them again once it is back on", async () => {
    await alice(UpdateDomainGroup, { id: groupId, input: { pushAuth: "OFF" } });
    try {
      await expectAccepted(`rtmp://localhost:${rtmpPort}/live/trusted`, "trusted");
    } finally {
      await alice(UpdateDomainGroup, { id: groupId, input: { pushAuth: "REQUIRED" } });
    }
    await expectRefused(`rtmp://localhost:${rtmpPort}/live/untrusted`, "untrusted", "auth_missing");
  });

  it("works the same for GStreamer's rtmp2sink: signed accepted, tampered refused", async () => {
    const signed = await urlFor(alice, "localhost", "gst");
    const accepted = pushWithGstreamer({ target: { location: signed.url }, durationSeconds: 60 });
    try {
      await liveAndCaptured("gst");
    } finally {
      await accepted.stop();
    }

    const before = await publishRefusals(t.app.url, "embedded", "auth_invalid");
    const tampered = (await urlFor(alice, "localhost", "gst-tampered")).url.replace(/-0-([0-9a-f])/, (_, c: string) => `-0-${c === "a" ? "b" : "a"}`);
    const refused = pushWithGstreamer({ target: { location: tampered }, durationSeconds: REFUSED_WITHIN_SECONDS });
    try {
      expect(await refused.exited, refused.stderr()).not.toBe(0);
    } finally {
      await refused.stop();
    }
    expect(await rowsOf("gst-tampered")).toEqual([]);
    expect(await publishRefusals(t.app.url, "embedded", "auth_invalid")).toBe(before + 1);
  });
});
