import { getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { createTestApi, codes, type TestApi, type Tenant } from "./support/api";
import { CreateDomainGroup } from "./support/operations";

const DomainGroups = graphql(`
  query DomainGroups($first: Int, $after: String) {
    domainGroups(first: $first, after: $after) {
      edges { node { id pushDomain playDomain sourceId } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

describe("domain groups", () => {
  let api: TestApi;
  let alice: Tenant;
  beforeAll(async () => {
    api = await createTestApi();
    alice = await api.tenant("alice");
  });
  afterAll(() => api.close());

  it("lower-cases domains and generates a key-safe SourceID", async () => {
    const r = await alice.admin(CreateDomainGroup, { input: { pushDomain: "Push.Example.COM", playDomain: "play.example.com" } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createDomainGroup).toMatchObject({ pushDomain: "push.example.com", playDomain: "play.example.com" });
    expect(r.data!.createDomainGroup.sourceId).toMatch(/^[a-z0-9]{16,}$/);
  });

  it("accepts localhost and IPv4 as push domains", async () => {
    for (const pushDomain of ["localhost", "10.1.2.3"]) {
      const r = await alice.admin(CreateDomainGroup, { input: { pushDomain, playDomain: `play-${pushDomain.replace(/\./g, "-")}.example.com` } });
      expect({ pushDomain, errors: r.errors }).toEqual({ pushDomain, errors: undefined });
    }
  });

  it("gives every domain group its own SourceID, which no operation can change", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await alice.admin(CreateDomainGroup, { input: { pushDomain: `p${i}.uniq.example.com`, playDomain: `v${i}.uniq.example.com` } });
      ids.add(r.data!.createDomainGroup.sourceId);
    }
    expect(ids.size).toBe(20);
    const listed = await alice.reader(DomainGroups, { first: 100 });
    const listedIds = listed.data!.domainGroups.edges.map((e) => e.node.sourceId);
    for (const id of ids) expect(listedIds).toContain(id);
    // Immutability: nothing in the schema accepts a sourceId.
    const response = await api.yoga.fetch("http://livesnap.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: getIntrospectionQuery() }),
    });
    const { data } = (await response.json()) as { data: IntrospectionQuery };
    const inputs = data.__schema.types.flatMap((t) => ("inputFields" in t && t.inputFields ? t.inputFields.map((f) => f.name) : []));
    const mutation = data.__schema.types.find((t) => t.name === "Mutation")!;
    const args = "fields" in mutation ? mutation.fields.flatMap((f) => f.args.map((a) => a.name)) : [];
    expect([...inputs, ...args]).not.toContain("sourceId");
  });

  it("lets a push domain belong to one account only", async () => {
    const bob = await api.tenant("bob");
    await alice.admin(CreateDomainGroup, { input: { pushDomain: "taken.example.com", playDomain: "play.taken.example.com" } });
    const mine = await alice.admin(CreateDomainGroup, { input: { pushDomain: "taken.example.com", playDomain: "other.example.com" } });
    const theirs = await bob.admin(CreateDomainGroup, { input: { pushDomain: "TAKEN.example.com", playDomain: "bob.example.com" } });
    for (const r of [mine, theirs]) {
      expect(codes(r)).toEqual(["CONFLICT"]);
      expect(r.errors![0]!.extensions!.field).toBe("pushDomain");
    }
    expect((await bob.reader(DomainGroups, {})).data!.domainGroups.edges).toEqual([]);
  });

  it("refuses names that are not host names and stores nothing", async () => {
    const before = (await alice.reader(DomainGroups, { first: 100 })).data!.domainGroups.edges.length;
    for (const [pushDomain, playDomain, field] of [
      ["not a domain", "play.example.com", "pushDomain"],
      ["under_score.example.com", "play.example.com", "pushDomain"],
      ["-lead.example.com", "play.example.com", "pushDomain"],
      ["a..b.example.com", "play.example.com", "pushDomain"],
      ["example", "play.example.com", "pushDomain"],
      ["999.1.1.1", "play.example.com", "pushDomain"],
      ["x".repeat(64) + ".example.com", "play.example.com", "pushDomain"],
      ["", "play.example.com", "pushDomain"],
      ["ok.example.com", "bad/slash.example.com", "playDomain"],
      ["ok.example.com", "ok.example.com", "playDomain"],
    ]) {
      const r = await alice.admin(CreateDomainGroup, { input: { pushDomain: pushDomain!, playDomain: playDomain! } });
      expect({ pushDomain, field: r.errors?.[0]?.extensions?.field }).toEqual({ pushDomain, field });
      expect(["BAD_USER_INPUT", "CONFLICT"]).toContain(codes(r)[0]);
    }
    expect((await alice.reader(DomainGroups, { first: 100 })).data!.domainGroups.edges.length).toBe(before);
  });
});
