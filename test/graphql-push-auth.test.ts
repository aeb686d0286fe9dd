import type { GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { verifyPushAuth } from "../src/domain/push-auth";
import { defaultPushUrlBase, formatPushUrl } from "../src/domain/push-urls";
import { schema } from "../src/graphql/schema";
import { graphql } from "./gql";
import { codes, createTestApi, type TestApi, type Tenant } from "./support/api";
import { CreateDomainGroup } from "./support/operations";
import { PushUrl, RotatePushAuthKey, UpdateDomainGroup } from "./support/push-url";

const GroupKeys = graphql(`
  query GroupKeys { domainGroups(first: 50) { edges { node { id pushDomain pushAuth pushAuthKeys { primary backup } } } } }
`);

/** The auth_key of a publish URL, checked as ingest checks it. */
function verifyUrl(url: string, keys: string[], now = new Date()) {
  const parsed = new URL(url);
  const [, app, stream] = parsed.pathname.split("/");
  return verifyPushAuth({ app: app!, stream: stream! }, parsed.searchParams, keys, now);
}

describe("push auth over GraphQL", () => {
  let api: TestApi;
  let alice: Tenant;
  let bob: Tenant;
  let group: { id: string; pushDomain: string };

  beforeAll(async () => {
    api = await createTestApi();
    alice = await api.tenant("alice");
    bob = await api.tenant("bob");
    group = (await alice.admin(CreateDomainGroup, { input: { pushDomain: "push.alice.example.com", playDomain: "play.alice.example.com" } })).data!
      .createDomainGroup;
    await bob.admin(CreateDomainGroup, { input: { pushDomain: "push.bob.example.com", playDomain: "play.bob.example.com" } });
  });
  afterAll(() => api.close());

  const keysOf = async (tenant: Tenant, role: "admin" | "reader" = "admin") => {
    const r = await tenant[role](GroupKeys);
    return r.data!.domainGroups.edges.find((e) => e.node.id === group.id)?.node;
  };

  it("creates groups with push auth REQUIRED and two distinct random keys, shown to ADMINs only", async () => {
    const mine = await keysOf(alice);
    expect(mine?.pushAuth).toBe("REQUIRED");
    expect(mine?.pushAuthKeys?.primary).toMatch(/^[0-9a-f]{32}$/);
    expect(mine?.pushAuthKeys?.backup).toMatch(/^[0-9a-f]{32}$/);
    expect(mine?.pushAuthKeys?.primary).not.toBe(mine?.pushAuthKeys?.backup);
    const asReader = await keysOf(alice, "reader");
    expect(asReader).toMatchObject({ pushAuth: "REQUIRED", pushAuthKeys: null });
    expect(await keysOf(bob)).toBeUndefined();
  });

  it("hands out a URL for ffmpeg, and server + stream key for OBS, signed with the primary key for a day", async () => {
    const before = Date.now();
    const r = await alice.admin(PushUrl, { domain: "Push.Alice.example.com", app: "live", stream: "cam1" });
    expect(r.errors).toBeUndefined();
    const push = r.data!.pushUrl;
    expect(push.server).toBe("rtmp://push.alice.example.com/live");
    expect(push.streamKey).toMatch(/^cam1\?auth_key=\d+-[0-9a-f]{32}-0-[0-9a-f]{32}$/);
    expect(push.url).toBe(`${push.server}/${push.streamKey}`);
    const expiresAt = Date.parse(push.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86_400_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 86_400_000);
    expect(new URL(push.url).searchParams.get("auth_key")!.split("-")[0]).toBe(String(expiresAt / 1000));
    const keys = (await keysOf(alice))!.pushAuthKeys!;
    expect(verifyUrl(push.url, [keys.primary])).toEqual({ ok: true });
    expect(verifyUrl(push.url, [keys.backup])).toMatchObject({ ok: false, reason: "auth_invalid" });
    expect(verifyUrl(push.url, [keys.primary], new Date(expiresAt + 1000))).toMatchObject({ ok: false, reason: "auth_expired" });
  });

  it("takes expiresInSeconds from 60 to 30 days, and refuses anything else naming the field", async () => {
    const short = await alice.admin(PushUrl, { domain: group.pushDomain, app: "live", stream: "cam1", expiresInSeconds: 60 });
    expect(Date.parse(short.data!.pushUrl.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(Date.parse(short.data!.pushUrl.expiresAt) - Date.now()).toBeGreaterThan(55_000);
    const long = await alice.admin(PushUrl, { domain: group.pushDomain, app: "live", stream: "cam1", expiresInSeconds: 2_592_000 });
    expect(long.errors).toBeUndefined();
    for (const expiresInSeconds of [59, 0, -5, 2_592_001]) {
      const r = await alice.admin(PushUrl, { domain: group.pushDomain, app: "live", stream: "cam1", expiresInSeconds });
      expect(codes(r)).toEqual(["BAD_USER_INPUT"]);
      expect(r.errors![0]!.extensions!.field).toBe("expiresInSeconds");
      expect(r.errors![0]!.message).toMatch(/from 60 to 2592000/);
    }
  });

  it("refuses app and stream names ingest would refuse, naming the field", async () => {
    for (const [app, stream, field] of [
      ["", "cam1", "app"],
      ["li/ve", "cam1", "app"],
      ["..", "cam1", "app"],
      ["live", "cam 1", "stream"],
      ["live", "cam1?x=1", "stream"],
      ["live", "x".repeat(129), "stream"],
    ] as const) {
      const r = await alice.admin(PushUrl, { domain: group.pushDomain, app, stream });
      expect({ app, stream, codes: codes(r), field: r.errors?.[0]?.extensions?.field }).toEqual({ app, stream, codes: ["BAD_USER_INPUT"], field });
    }
  });

  it("is NOT_FOUND for another account's domain or one nobody owns, and FORBIDDEN to READERs", async () => {
    for (const domain of ["push.bob.example.com", "nobody.example.com"]) {
      const r = await alice.admin(PushUrl, { domain, app: "live", stream: "cam1" });
      expect(codes(r)).toEqual(["NOT_FOUND"]);
      expect(r.data).toBeNull();
    }
    const r = await alice.reader(PushUrl, { domain: group.pushDomain, app: "live", stream: "cam1" });
    expect(codes(r)).toEqual(["FORBIDDEN"]);
    expect(codes(await api.anonymous(PushUrl, { domain: group.pushDomain, app: "live", stream: "cam1" }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("rotates: the primary becomes the backup and a new primary signs from then on", async () => {
    const before = (await keysOf(alice))!.pushAuthKeys!;
    const r = await alice.admin(RotatePushAuthKey, { id: group.id });
    expect(r.errors).toBeUndefined();
    const after = r.data!.rotatePushAuthKey.pushAuthKeys!;
    expect(after.backup).toBe(before.primary);
    expect(after.primary).toMatch(/^[0-9a-f]{32}$/);
    expect([before.primary, before.backup]).not.toContain(after.primary);
    expect((await keysOf(alice))!.pushAuthKeys).toEqual(after);
    const url = (await alice.admin(PushUrl, { domain: group.pushDomain, app: "live", stream: "cam1" })).data!.pushUrl.url;
    expect(verifyUrl(url, [after.primary])).toEqual({ ok: true });
  });

  it("updates the play domain and push auth, validated as at creation, changing nothing on error", async () => {
    const off = await alice.admin(UpdateDomainGroup, { id: group.id, input: { pushAuth: "OFF" } });
    expect(off.data!.updateDomainGroup).toMatchObject({ pushDomain: "push.alice.example.com", playDomain: "play.alice.example.com", pushAuth: "OFF" });
    const play = await alice.admin(UpdateDomainGroup, { id: group.id, input: { playDomain: "Watch.Alice.example.com" } });
    expect(play.data!.updateDomainGroup).toMatchObject({ playDomain: "watch.alice.example.com", pushAuth: "OFF" });
    const unchanged = await alice.admin(UpdateDomainGroup, { id: group.id, input: {} });
    expect(unchanged.data!.updateDomainGroup).toMatchObject({ playDomain: "watch.alice.example.com", pushAuth: "OFF" });

    const bad = await alice.admin(UpdateDomainGroup, { id: group.id, input: { playDomain: "not a domain", pushAuth: "REQUIRED" } });
    expect(codes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors![0]!.extensions!.field).toBe("playDomain");
    const same = await alice.admin(UpdateDomainGroup, { id: group.id, input: { playDomain: "push.alice.example.com" } });
    expect(codes(same)).toEqual(["CONFLICT"]);
    expect(same.errors![0]!.extensions!.field).toBe("playDomain");
    expect(await keysOf(alice)).toMatchObject({ pushAuth: "OFF" });

    const back = await alice.admin(UpdateDomainGroup, { id: group.id, input: { pushAuth: "REQUIRED", playDomain: "play.alice.example.com" } });
    expect(back.data!.updateDomainGroup).toMatchObject({ playDomain: "play.alice.example.com", pushAuth: "REQUIRED" });
  });

  it("lets only an ADMIN of the owning account update or rotate", async () => {
    const before = (await keysOf(alice))!;
    const reader = [
      await alice.reader(UpdateDomainGroup, { id: group.id, input: { pushAuth: "OFF" } }),
      await alice.reader(RotatePushAuthKey, { id: group.id }),
    ];
    for (const r of reader) expect(codes(r)).toEqual(["FORBIDDEN"]);
    const other = [
      await bob.admin(UpdateDomainGroup, { id: group.id, input: { pushAuth: "OFF" } }),
      await bob.admin(RotatePushAuthKey, { id: group.id }),
      await alice.admin(RotatePushAuthKey, { id: "not-a-uuid" }),
      await alice.admin(UpdateDomainGroup, { id: "00000000-0000-4000-8000-000000000000", input: { pushAuth: "OFF" } }),
    ];
    for (const r of other) expect(codes(r)).toEqual(["NOT_FOUND"]);
    expect(await keysOf(alice)).toEqual(before);
  });
});

describe("push URL base", () => {
  const address = { domain: "push.example.com", app: "live", stream: "cam1" };
  const expiresAt = new Date(1_767_225_600_000);

  it("is the push domain, with the embedded ingest's port unless it is 1935", () => {
    expect(defaultPushUrlBase(1935)).toBe("rtmp://{domain}");
    expect(defaultPushUrlBase(null)).toBe("rtmp://{domain}");
    expect(formatPushUrl(defaultPushUrlBase(19400), address, "k", expiresAt)).toEqual({
      url: "rtmp://push.example.com:19400/live/cam1?auth_key=k",
      server: "rtmp://push.example.com:19400/live",
      streamKey: "cam1?auth_key=k",
      expiresAt,
    });
  });

  it("carries the domain as vhost when PUSH_URL_BASE names another host", () => {
    const config = loadConfig({ PUSH_URL_BASE: "rtmps://media.example.net:1936/" });
    expect(config.pushUrlBase).toBe("rtmps://media.example.net:1936");
    expect(formatPushUrl(config.pushUrlBase!, address, "k", expiresAt).url).toBe(
      "rtmps://media.example.net:1936/live/cam1?auth_key=k&vhost=push.example.com",
    );
    expect(formatPushUrl(loadConfig({ PUSH_URL_BASE: "rtmp://{domain}:1936" }).pushUrlBase!, address, "k", expiresAt).url).toBe(
      "rtmp://push.example.com:1936/live/cam1?auth_key=k",
    );
  });

  it("refuses a PUSH_URL_BASE that is not rtmp(s)://host[:port]", () => {
    for (const value of ["http://media.example.net", "rtmp://media.example.net/live", "media.example.net", "rtmp://"]) {
      expect(() => loadConfig({ PUSH_URL_BASE: value }), value).toThrow(/PUSH_URL_BASE: must be rtmp:\/\/host\[:port\]/);
    }
  });

  it("is what pushUrl signs into when the service says so", async () => {
    const api = await createTestApi({ pushUrlBase: () => "rtmp://127.0.0.1:19999" });
    try {
      const carol = await api.tenant("carol");
      await carol.admin(CreateDomainGroup, { input: { pushDomain: "push.carol.example.com", playDomain: "play.carol.example.com" } });
      const r = await carol.admin(PushUrl, { domain: "push.carol.example.com", app: "live", stream: "cam1" });
      expect(r.data!.pushUrl.server).toBe("rtmp://127.0.0.1:19999/live");
      expect(r.data!.pushUrl.streamKey).toMatch(/^cam1\?auth_key=[^&]+&vhost=push\.carol\.example\.com$/);
    } finally {
      await api.close();
    }
  });
});

describe("push auth contract", () => {
  it("has the names and shapes DESIGN.md's contract additions give", () => {
    const signature = (path: string) => {
      const [typeName, fieldName] = path.split(".") as [string, string];
      const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!;
      return `(${[...field.args].map((a) => `${a.name}: ${String(a.type)}`).sort().join(", ")}): ${String(field.type)}`;
    };
    expect(signature("Query.pushUrl")).toBe("(app: String!, domain: String!, expiresInSeconds: Int, stream: String!): PushUrl!");
    expect(signature("Mutation.updateDomainGroup")).toBe("(id: ID!, input: UpdateDomainGroupInput!): DomainGroup!");
    expect(signature("Mutation.rotatePushAuthKey")).toBe("(id: ID!): DomainGroup!");
    expect(signature("DomainGroup.pushAuth")).toBe("(): PushAuthMode!");
    expect(signature("DomainGroup.pushAuthKeys")).toBe("(): PushAuthKeys");
    const fields = (name: string) =>
      Object.fromEntries(Object.values((schema.getType(name) as GraphQLObjectType | GraphQLInputObjectType).getFields()).map((f) => [f.name, String(f.type)]));
    expect(fields("PushAuthKeys")).toEqual({ primary: "String!", backup: "String!" });
    expect(fields("PushUrl")).toEqual({ url: "String!", server: "String!", streamKey: "String!", expiresAt: "DateTime!" });
    expect(fields("UpdateDomainGroupInput")).toEqual({ playDomain: "String", pushAuth: "PushAuthMode" });
    expect((schema.getType("PushAuthMode") as GraphQLEnumType).getValues().map((v) => v.name).sort()).toEqual(["OFF", "REQUIRED"]);
  });
});
