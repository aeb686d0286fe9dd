import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signPushAuthKey } from "../src/domain/push-auth";
import { graphql } from "./gql";
import { httpRunner, type Run } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { startNginxRtmp, type NginxRtmp } from "./support/nginx-rtmp";
import { CreateConfig, CreateDomainGroup, CreateTemplate } from "./support/operations";
import { freePort } from "./support/ports";
import { publishChecks } from "./support/publish-checks";
import { PushUrl, RotatePushAuthKey, UpdateDomainGroup } from "./support/push-url";

const Keys = graphql(`
  query NginxPushKeys { domainGroups { edges { node { id pushAuthKeys { primary backup } } } } }
`);

const SECRET = "hook-secret-for-push-auth";
const DOMAIN = "push.alice.example.com";

describe("signed publish URLs through nginx-rtmp's on_publish hook", () => {
  let t: TestApp;
  let nginx: NginxRtmp;
  let alice: Run;
  let bob: Run;
  let groupId: string;
  const { expectAccepted, expectRefused, stopAll } = publishChecks(() => t.app, DOMAIN, "nginx-rtmp");

  beforeAll(async () => {
    const nginxPort = await freePort();
    t = await startTestApp({
      HOOK_SECRET: SECRET,
      PULL_URL_NGINX_RTMP: `rtmp://127.0.0.1:${nginxPort}/{app}/{stream}`,
      PUSH_URL_BASE: `rtmp://127.0.0.1:${nginxPort}`,
    });
    nginx = await startNginxRtmp({ hookUrl: `${t.app.url}/hooks/nginx-rtmp?secret=${SECRET}`, port: nginxPort });
    alice = httpRunner(t.app.url, await t.token("alice"));
    bob = httpRunner(t.app.url, await t.token("bob"));
    groupId = (await alice(CreateDomainGroup, { input: { pushDomain: DOMAIN, playDomain: "play.alice.example.com" } })).data!.createDomainGroup.id;
    await bob(CreateDomainGroup, { input: { pushDomain: "push.bob.example.com", playDomain: "play.bob.example.com" } });
    const tpl = await alice(CreateTemplate, { input: { name: "auth", format: "JPG", intervalSeconds: 5, width: 64, storageMode: "COVERAGE" } });
    await alice(CreateConfig, { input: { domain: DOMAIN, templateId: tpl.data!.createSnapshotTemplate.id } });
  });
  afterAll(async () => {
    await stopAll();
    await nginx?.stop();
    await t?.stop();
  });

  const urlFor = async (run: Run, domain: string, stream: string) => {
    const r = await run(PushUrl, { domain, app: "live", stream });
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data.pushUrl;
  };
  const keys = async () => (await alice(Keys)).data!.domainGroups.edges.find((e) => e.node.id === groupId)!.node.pushAuthKeys!;
  const at = (stream: string, query: string) => `rtmp://127.0.0.1:${nginx.port}/live/${stream}?vhost=${DOMAIN}${query}`;
  const signedWith = (key: string, stream: string, expiry = Math.floor(Date.now() / 1000) + 600) =>
    at(stream, `&auth_key=${signPushAuthKey({ app: "live", stream }, key, expiry)}`);

  it("accepts a publish to pushUrl's url as returned (nginx's address, the domain as vhost)", async () => {
    const push = await urlFor(alice, DOMAIN, "signed");
    expect(push.url).toMatch(new RegExp(`^rtmp://127\\.0\\.0\\.1:${nginx.port}/live/signed\\?auth_key=[^&]+&vhost=${DOMAIN.replace(/\./g, "\\.")}$`));
    await expectAccepted(push.url, "signed");
  });

  it("makes nginx refuse unsigned, expired, tampered, wrong-path and wrong-key publishes", async () => {
    const { primary } = await keys();
    const signed = (await urlFor(alice, DOMAIN, "tampered")).url;
    const tampered = signed.replace(/-0-([0-9a-f])/, (_, c: string) => `-0-${c === "a" ? "b" : "a"}`);
    const forOther = new URL((await urlFor(alice, DOMAIN, "other")).url).searchParams.get("auth_key")!;
    await Promise.all([
      expectRefused(at("unsigned", ""), "unsigned", "auth_missing"),
      expectRefused(at("garbled", "&auth_key=1-2-3"), "garbled", "auth_malformed"),
      expectRefused(signedWith(primary, "expired", Math.floor(Date.now() / 1000) - 5), "expired", "auth_expired"),
    ]);
    await expectRefused(tampered, "tampered", "auth_invalid");
    await expectRefused(at("path", `&auth_key=${forOther}`), "path", "auth_invalid");
    await expectRefused(signedWith(randomBytes(16).toString("hex"), "wrong-key"), "wrong-key", "auth_invalid");
    // Refused by the hook before any key is looked at, and counted too.
    await expectRefused(at("x".repeat(129), ""), "x".repeat(129), "invalid_name");
  });

  it("refuses a publish into another account's domain signed with the publisher's own key", async () => {
    const bobs = await urlFor(bob, "push.bob.example.com", "intruder");
    expect(bobs.url).toContain("vhost=push.bob.example.com");
    await expectRefused(bobs.url.replace("vhost=push.bob.example.com", `vhost=${DOMAIN}`), "intruder", "auth_invalid");
  });

  it("accepts the primary and the backup key; after a rotation the old backup is refused, the old primary accepted", async () => {
    const old = await keys();
    await expectAccepted(signedWith(old.primary, "primary"), "primary");
    await expectAccepted(signedWith(old.backup, "backup"), "backup");
    await alice(RotatePushAuthKey, { id: groupId });
    await expectRefused(signedWith(old.backup, "old-backup"), "old-backup", "auth_invalid");
    await expectAccepted(signedWith(old.primary, "old-primary"), "old-primary");
  });

  it("lets unsigned publishes through while push auth is OFF", async () => {
    await alice(UpdateDomainGroup, { id: groupId, input: { pushAuth: "OFF" } });
    try {
      await expectAccepted(at("trusted", ""), "trusted");
    } finally {
      await alice(UpdateDomainGroup, { id: groupId, input: { pushAuth: "REQUIRED" } });
    }
    await expectRefused(at("untrusted", ""), "untrusted", "auth_missing");
  });
});
