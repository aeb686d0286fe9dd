import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { createTestApi, codes, type TestApi, type Tenant } from "./support/api";
import { CreateConfig, CreateDomainGroup, CreateTemplate, Effective } from "./support/operations";

const Configs = graphql(`
  query Configs($domain: String, $first: Int, $after: String) {
    snapshotConfigs(domain: $domain, first: $first, after: $after) {
      edges { node { id domain appName streamName level template { name } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
const DeleteConfig = graphql(`mutation DeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }`);
const DeleteTemplate = graphql(`mutation DeleteTemplateInUse($id: ID!) { deleteSnapshotTemplate(id: $id) }`);
const DeleteDomainGroup = graphql(`mutation DeleteDomainGroupInUse($id: ID!) { deleteDomainGroup(id: $id) }`);

describe("snapshot configs and effectiveTemplate", () => {
  let api: TestApi;
  let alice: Tenant;
  const tpl: Record<"domain" | "app" | "stream", string> = { domain: "", app: "", stream: "" };

  beforeAll(async () => {
    api = await createTestApi();
    alice = await api.tenant("alice");
    for (const level of ["domain", "app", "stream"] as const) {
      const r = await alice.admin(CreateTemplate, {
        input: { name: `by-${level}`, format: "JPG", intervalSeconds: 10, storageMode: "COVERAGE" },
      });
      tpl[level] = r.data!.createSnapshotTemplate.id;
    }
  });
  afterAll(() => api.close());

  async function freshDomain(name: string) {
    const r = await alice.admin(CreateDomainGroup, { input: { pushDomain: name, playDomain: `play.${name}` } });
    expect(r.errors).toBeUndefined();
    return r.data!.createDomainGroup;
  }

  // Every combination of bindings present at the three levels for live/cam1.
  for (let mask = 0; mask < 8; mask++) {
    const has = { domain: !!(mask & 1), app: !!(mask & 2), stream: !!(mask & 4) };
    const label = Object.entries(has).filter(([, v]) => v).map(([k]) => k).join("+") || "none";
    it(`resolves with bindings at: ${label}`, async () => {
      const domain = `combo${mask}.example.com`;
      await freshDomain(domain);
      if (has.domain) await alice.admin(CreateConfig, { input: { domain, templateId: tpl.domain } });
      if (has.app) await alice.admin(CreateConfig, { input: { domain, appName: "live", templateId: tpl.app } });
      if (has.stream) await alice.admin(CreateConfig, { input: { domain, appName: "live", streamName: "cam1", templateId: tpl.stream } });
      // Bindings of other apps and streams of the same domain must never be picked.
      await alice.admin(CreateConfig, { input: { domain, appName: "other", templateId: tpl.stream } });
      await alice.admin(CreateConfig, { input: { domain, appName: "live", streamName: "cam2", templateId: tpl.domain } });

      const expected = has.stream ? "STREAM" : has.app ? "APP" : has.domain ? "DOMAIN" : null;
      const r = await alice.reader(Effective, { domain, app: "live", stream: "cam1" });
      expect(r.errors).toBeUndefined();
      const effective = r.data!.effectiveTemplate;
      if (expected === null) {
        expect(effective).toBeNull();
        return;
      }
      expect(effective!.level).toBe(expected);
      expect(effective!.config.level).toBe(expected);
      expect(effective!.template.id).toBe(expected === "STREAM" ? tpl.stream : expected === "APP" ? tpl.app : tpl.domain);
      expect(effective!.config.appName).toBe(expected === "DOMAIN" ? null : "live");
      expect(effective!.config.streamName).toBe(expected === "STREAM" ? "cam1" : null);

      // A sibling stream of the same app falls back past its own missing STREAM binding.
      const sibling = await alice.reader(Effective, { domain, app: "live", stream: "cam3" });
      const siblingExpected = has.app ? "APP" : has.domain ? "DOMAIN" : null;
      expect(sibling.data!.effectiveTemplate?.level ?? null).toBe(siblingExpected);
      // Another app of the domain sees its own APP binding.
      const other = await alice.reader(Effective, { domain, app: "other", stream: "x" });
      expect(other.data!.effectiveTemplate!.level).toBe("APP");
      expect(other.data!.effectiveTemplate!.template.id).toBe(tpl.stream);
    });
  }

  it("derives the level from what is given and lists ALL as null", async () => {
    const domain = "levels.example.com";
    await freshDomain(domain);
    const d = await alice.admin(CreateConfig, { input: { domain, templateId: tpl.domain } });
    const a = await alice.admin(CreateConfig, { input: { domain, appName: "live", templateId: tpl.app } });
    const s = await alice.admin(CreateConfig, { input: { domain, appName: "live", streamName: "s1", templateId: tpl.stream } });
    expect(d.data!.createSnapshotConfig).toMatchObject({ level: "DOMAIN", appName: null, streamName: null, domain });
    expect(a.data!.createSnapshotConfig).toMatchObject({ level: "APP", appName: "live", streamName: null });
    expect(s.data!.createSnapshotConfig).toMatchObject({ level: "STREAM", appName: "live", streamName: "s1" });
    const list = await alice.reader(Configs, { domain });
    expect(list.data!.snapshotConfigs.edges.map((e) => [e.node.level, e.node.appName, e.node.streamName, e.node.template.name])).toEqual([
      ["DOMAIN", null, null, "by-domain"],
      ["APP", "live", null, "by-app"],
      ["STREAM", "live", "s1", "by-stream"],
    ]);
  });

  it("refuses a bad binding with a clear error and stores nothing", async () => {
    const domain = "bad-bindings.example.com";
    await freshDomain(domain);
    const count = async () => (await alice.reader(Configs, { domain })).data!.snapshotConfigs.edges.length;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ streamName: "cam1" }, "BAD_USER_INPUT", "appName"],
      [{ appName: "a/b" }, "BAD_USER_INPUT", "appName"],
      [{ appName: ".." }, "BAD_USER_INPUT", "appName"],
      [{ appName: "live", streamName: "x\u0001y" }, "BAD_USER_INPUT", "streamName"],
      [{ appName: "live", streamName: "s".repeat(129) }, "BAD_USER_INPUT", "streamName"],
      [{ domain: "unknown.example.com" }, "NOT_FOUND", "domain"],
      [{ domain: "not a domain" }, "BAD_USER_INPUT", "domain"],
      [{ templateId: "00000000-0000-4000-8000-000000000000" }, "NOT_FOUND", "templateId"],
      [{ templateId: "x" }, "NOT_FOUND", "templateId"],
    ];
    for (const [change, code, field] of cases) {
      const r = await alice.admin(CreateConfig, { input: { domain, templateId: tpl.app, ...change } as never });
      expect({ change, codes: codes(r), field: r.errors?.[0]?.extensions?.field }).toEqual({ change, codes: [code], field });
    }
    expect(await count()).toBe(0);
    const invalidQuery = await alice.reader(Effective, { domain, app: "a/b", stream: "x" });
    expect(codes(invalidQuery)).toEqual(["BAD_USER_INPUT"]);
    expect(invalidQuery.errors![0]!.extensions!.field).toBe("app");
  });

  it("allows one binding per scope", async () => {
    const domain = "one-per-scope.example.com";
    await freshDomain(domain);
    expect((await alice.admin(CreateConfig, { input: { domain, appName: "live", templateId: tpl.app } })).errors).toBeUndefined();
    const again = await alice.admin(CreateConfig, { input: { domain, appName: "live", templateId: tpl.stream } });
    expect(codes(again)).toEqual(["CONFLICT"]);
    expect(again.errors![0]!.message).toContain("one-per-scope.example.com/live/ALL");
  });

  it("refuses to delete a template or domain in use, then allows it once the binding is gone", async () => {
    const domain = "in-use.example.com";
    const group = await freshDomain(domain);
    const t = (await alice.admin(CreateTemplate, { input: { name: "in-use", format: "PNG", intervalSeconds: 5, storageMode: "SEQUENCE" } }))
      .data!.createSnapshotTemplate;
    const c = (await alice.admin(CreateConfig, { input: { domain, templateId: t.id } })).data!.createSnapshotConfig;
    const tDel = await alice.admin(DeleteTemplate, { id: t.id });
    expect(codes(tDel)).toEqual(["CONFLICT"]);
    expect(tDel.errors![0]!.message).toContain("in-use");
    expect(codes(await alice.admin(DeleteDomainGroup, { id: group.id }))).toEqual(["CONFLICT"]);
    expect((await alice.reader(Effective, { domain, app: "a", stream: "b" })).data!.effectiveTemplate!.template.id).toBe(t.id);

    expect((await alice.admin(DeleteConfig, { id: c.id })).data!.deleteSnapshotConfig).toBe(c.id);
    expect((await alice.reader(Effective, { domain, app: "a", stream: "b" })).data!.effectiveTemplate).toBeNull();
    expect((await alice.admin(DeleteTemplate, { id: t.id })).data!.deleteSnapshotTemplate).toBe(t.id);
    expect((await alice.admin(DeleteDomainGroup, { id: group.id })).data!.deleteDomainGroup).toBe(group.id);
    expect(codes(await alice.admin(DeleteConfig, { id: c.id }))).toEqual(["NOT_FOUND"]);
  });
});
