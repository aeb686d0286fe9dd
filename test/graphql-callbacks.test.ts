import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordDeliveryAttempt, enqueueSnapshotDeliveries } from "../src/domain/callback-deliveries";
import { resolveHost } from "../src/domain/callback-urls";
import { recordSnapshot } from "../src/domain/streams";
import { graphql } from "./gql";
import { codes, createTestApi, type TestApi, type Tenant } from "./support/api";
import { CreateDomainGroup } from "./support/operations";

const CreateCallback = graphql(`
  mutation CreateCallback($input: CreateSnapshotCallbackInput!) {
    createSnapshotCallback(input: $input) { id domain url format signingSecret createdAt }
  }
`);
const UpdateCallback = graphql(`
  mutation UpdateCallback($id: ID!, $input: UpdateSnapshotCallbackInput!) {
    updateSnapshotCallback(id: $id, input: $input) { id domain url format signingSecret }
  }
`);
const DeleteCallback = graphql(`mutation DeleteCallback($id: ID!) { deleteSnapshotCallback(id: $id) }`);
const Callbacks = graphql(`
  query Callbacks($domain: String, $first: Int, $after: String) {
    snapshotCallbacks(domain: $domain, first: $first, after: $after) {
      edges { cursor node { id domain url format signingSecret } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`);
const Deliveries = graphql(`
  query Deliveries($callbackId: ID!, $status: CallbackDeliveryStatus, $first: Int, $after: String) {
    snapshotCallbackDeliveries(callbackId: $callbackId, status: $status, first: $first, after: $after) {
      edges { node { id webhookId snapshotId status attempts lastStatusCode lastError nextAttemptAt createdAt deliveredAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
const Redeliver = graphql(`
  mutation Redeliver($deliveryId: ID!) { redeliverSnapshotCallback(deliveryId: $deliveryId) { id webhookId status attempts nextAttemptAt } }
`);

/** Public-looking names resolve to a documentation address; `localhost` is really looked up. */
const resolve = async (host: string) => (host === "localhost" ? resolveHost(host) : ["93.184.215.14"]);

describe("snapshot callbacks over GraphQL", () => {
  let api: TestApi;
  let alice: Tenant;
  let bob: Tenant;
  let woken = 0;
  beforeAll(async () => {
    api = await createTestApi({ callbackUrlPolicy: { allowPrivate: false, resolve }, wakeCallbackDeliveries: () => (woken += 1) });
    alice = await api.tenant("alice");
    bob = await api.tenant("bob");
    for (const [t, d] of [[alice, "a"], [bob, "b"]] as const) {
      for (const n of [1, 2]) {
        const r = await t.admin(CreateDomainGroup, { input: { pushDomain: `push${n}.${d}.example.com`, playDomain: `play${n}.${d}.example.com` } });
        expect(r.errors).toBeUndefined();
      }
    }
  });
  afterAll(() => api.close());

  const count = async (t: Tenant, domain?: string) => (await t.reader(Callbacks, { domain, first: 100 })).data!.snapshotCallbacks.edges.length;

  it("creates a callback with a generated secret, shown to ADMINs only", async () => {
    const r = await alice.admin(CreateCallback, { input: { domain: "push1.a.example.com", url: "https://hooks.example.com/snap", format: "STANDARD" } });
    expect(r.errors).toBeUndefined();
    const cb = r.data!.createSnapshotCallback;
    expect(cb).toMatchObject({ domain: "push1.a.example.com", url: "https://hooks.example.com/snap", format: "STANDARD" });
    expect(cb.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const asReader = await alice.reader(Callbacks, { domain: "push1.a.example.com" });
    expect(asReader.data!.snapshotCallbacks.edges.map((e) => e.node)).toEqual([
      { id: cb.id, domain: cb.domain, url: cb.url, format: "STANDARD", signingSecret: null },
    ]);
    const asAdmin = await alice.admin(Callbacks, { domain: "push1.a.example.com" });
    expect(asAdmin.data!.snapshotCallbacks.edges[0]!.node.signingSecret).toBe(cb.signingSecret);
  });

  it("takes a chosen secret in whsec_ form only", async () => {
    const secret = `whsec_${Buffer.alloc(24, 1).toString("base64")}`;
    const ok = await alice.admin(CreateCallback, { input: { domain: "push1.a.example.com", url: "https://hooks.example.com/jd", format: "JDCLOUD", secret } });
    expect(ok.data!.createSnapshotCallback).toMatchObject({ format: "JDCLOUD", signingSecret: secret });
    const before = await count(alice);
    for (const bad of ["secret", `whsec_${Buffer.alloc(8).toString("base64")}`, "whsec_%%%%"]) {
      const r = await alice.admin(CreateCallback, { input: { domain: "push1.a.example.com", url: "https://hooks.example.com/x", format: "STANDARD", secret: bad } });
      expect(codes(r)).toEqual(["BAD_USER_INPUT"]);
      expect(r.errors![0]!.extensions!.field).toBe("secret");
    }
    expect(await count(alice)).toBe(before);
  });

  it("refuses URLs that reach private, loopback or metadata addresses, and malformed or long ones, creating nothing", async () => {
    const before = await count(alice);
    for (const url of [
      "http://127.0.0.1:8080/cb",
      "http://10.0.0.5/cb",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]/cb",
      "http://localhost:4000/cb",
      "http://[fd00:ec2::254]/",
      "ftp://hooks.example.com/x",
      "hooks.example.com/x",
      `https://hooks.example.com/${"x".repeat(2049)}`,
    ]) {
      const r = await alice.admin(CreateCallback, { input: { domain: "push1.a.example.com", url, format: "STANDARD" } });
      expect(codes(r), url).toEqual(["BAD_USER_INPUT"]);
      expect(r.errors![0]!.extensions!.field).toBe("url");
    }
    const loop = await alice.admin(CreateCallback, { input: { domain: "push1.a.example.com", url: "http://localhost:4000/cb", format: "STANDARD" } });
    expect(loop.errors![0]!.message).toMatch(/localhost refused \((127\.0\.0\.1|::1) is a loopback address\)/);
    expect(await count(alice)).toBe(before);
  });

  it("updates url, format and secret; refuses a private URL on update too", async () => {
    const cb = (await alice.admin(CreateCallback, { input: { domain: "push2.a.example.com", url: "https://one.example.com/", format: "STANDARD" } })).data!
      .createSnapshotCallback;
    const secret = `whsec_${Buffer.alloc(32, 9).toString("base64")}`;
    const r = await alice.admin(UpdateCallback, { id: cb.id, input: { url: "https://two.example.com/cb", format: "JDCLOUD", secret } });
    expect(r.data!.updateSnapshotCallback).toEqual({ id: cb.id, domain: "push2.a.example.com", url: "https://two.example.com/cb", format: "JDCLOUD", signingSecret: secret });
    const refused = await alice.admin(UpdateCallback, { id: cb.id, input: { url: "http://192.168.1.1/" } });
    expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
    const kept = await alice.admin(Callbacks, { domain: "push2.a.example.com" });
    expect(kept.data!.snapshotCallbacks.edges[0]!.node.url).toBe("https://two.example.com/cb");
    expect(codes(await alice.admin(DeleteCallback, { id: cb.id }))).toEqual([]);
    expect(codes(await alice.admin(UpdateCallback, { id: cb.id, input: { format: "STANDARD" } }))).toEqual(["NOT_FOUND"]);
    expect(codes(await alice.admin(DeleteCallback, { id: cb.id }))).toEqual(["NOT_FOUND"]);
  });

  it("keeps accounts apart and READER tokens read-only", async () => {
    const mine = (await alice.admin(CreateCallback, { input: { domain: "push2.a.example.com", url: "https://mine.example.com/", format: "STANDARD" } })).data!
      .createSnapshotCallback;
    expect(codes(await bob.admin(CreateCallback, { input: { domain: "push2.a.example.com", url: "https://bob.example.com/", format: "STANDARD" } }))).toEqual([
      "NOT_FOUND",
    ]);
    expect(codes(await bob.admin(UpdateCallback, { id: mine.id, input: { url: "https://bob.example.com/" } }))).toEqual(["NOT_FOUND"]);
    expect(codes(await bob.admin(DeleteCallback, { id: mine.id }))).toEqual(["NOT_FOUND"]);
    expect(codes(await bob.reader(Deliveries, { callbackId: mine.id }))).toEqual(["NOT_FOUND"]);
    expect(codes(await bob.admin(Callbacks, { domain: "push2.a.example.com" }))).toEqual(["NOT_FOUND"]);
    expect((await bob.admin(Callbacks, {})).data!.snapshotCallbacks.edges).toEqual([]);
    expect(codes(await alice.reader(CreateCallback, { input: { domain: "push2.a.example.com", url: "https://r.example.com/", format: "STANDARD" } }))).toEqual([
      "FORBIDDEN",
    ]);
    expect(codes(await alice.reader(UpdateCallback, { id: mine.id, input: { format: "JDCLOUD" } }))).toEqual(["FORBIDDEN"]);
    expect(codes(await alice.reader(DeleteCallback, { id: mine.id }))).toEqual(["FORBIDDEN"]);
    expect(codes(await alice.admin(UpdateCallback, { id: "not-a-uuid", input: {} }))).toEqual(["NOT_FOUND"]);
  });

  it("allows 10 callbacks per push domain, and pages through them", async () => {
    const domain = "push1.b.example.com";
    for (let i = 0; i < 10; i++) {
      const r = await bob.admin(CreateCallback, { input: { domain, url: `https://h${i}.example.com/`, format: "STANDARD" } });
      expect(r.errors).toBeUndefined();
    }
    const eleventh = await bob.admin(CreateCallback, { input: { domain, url: "https://h10.example.com/", format: "STANDARD" } });
    expect(codes(eleventh)).toEqual(["CONFLICT"]);
    expect(eleventh.errors![0]!.message).toMatch(/already has 10 callbacks/);
    const other = await bob.admin(CreateCallback, { input: { domain: "push2.b.example.com", url: "https://other.example.com/", format: "STANDARD" } });
    expect(other.errors).toBeUndefined();

    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = (await bob.reader(Callbacks, { domain, first: 4, after })).data!.snapshotCallbacks;
      seen.push(...page.edges.map((e) => e.node.url));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `https://h${i}.example.com/`));
    expect(codes(await bob.reader(Callbacks, { after: "bogus" }))).toEqual(["BAD_USER_INPUT"]);
  });

  it("lists deliveries newest first, filters by status, and redelivers a DEAD one", async () => {
    const cb = (await alice.admin(CreateCallback, { input: { domain: "push1.a.example.com", url: "https://log.example.com/", format: "STANDARD" } })).data!
      .createSnapshotCallback;
    const db = api.handle.db;
    const snapshotIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const row = await recordSnapshot(db, {
        accountId: alice.accountId, domain: "push1.a.example.com", appName: "live", streamName: "cam1", sourceId: "s".repeat(20),
        bucket: "livesnap", key: `snapshot/20261201/x/live/cam1/${i}.jpg`, format: "JPG", width: 8, height: 8, bytes: 10, capturedAt: new Date(Date.now() + i),
      });
      snapshotIds.push(row.id);
      await enqueueSnapshotDeliveries(db, row, new Date(Date.now() + i * 10));
    }
    const all = (await alice.reader(Deliveries, { callbackId: cb.id })).data!.snapshotCallbackDeliveries.edges.map((e) => e.node);
    expect(all.map((d) => d.snapshotId)).toEqual([...snapshotIds].reverse());
    expect(all.every((d) => d.status === "PENDING" && d.attempts === 0 && d.webhookId.startsWith("msg_") && d.nextAttemptAt !== null)).toBe(true);
    const oldest = all[2]!;
    await recordDeliveryAttempt(db, oldest.id, { at: new Date(), statusCode: 500, error: "HTTP 500", status: "DEAD", nextAttemptAt: null });
    const dead = (await alice.reader(Deliveries, { callbackId: cb.id, status: "DEAD" })).data!.snapshotCallbackDeliveries.edges.map((e) => e.node);
    expect(dead).toMatchObject([{ id: oldest.id, status: "DEAD", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500", nextAttemptAt: null }]);
    const firstPage = (await alice.reader(Deliveries, { callbackId: cb.id, first: 2 })).data!.snapshotCallbackDeliveries;
    expect(firstPage.pageInfo.hasNextPage).toBe(true);

    expect(codes(await alice.reader(Redeliver, { deliveryId: oldest.id }))).toEqual(["FORBIDDEN"]);
    expect(codes(await bob.admin(Redeliver, { deliveryId: oldest.id }))).toEqual(["NOT_FOUND"]);
    const wokenBefore = woken;
    const again = await alice.admin(Redeliver, { deliveryId: oldest.id });
    expect(again.data!.redeliverSnapshotCallback).toMatchObject({ id: oldest.id, webhookId: oldest.webhookId, status: "PENDING", attempts: 1 });
    expect(Math.abs(new Date(again.data!.redeliverSnapshotCallback.nextAttemptAt!).getTime() - Date.now())).toBeLessThan(5_000);
    expect(woken).toBe(wokenBefore + 1);
    expect((await alice.reader(Deliveries, { callbackId: cb.id, status: "DEAD" })).data!.snapshotCallbackDeliveries.edges).toEqual([]);
  });
});
