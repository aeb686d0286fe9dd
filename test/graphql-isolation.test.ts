import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveStreamsTable, snapshotsTable } from "../src/db/schema";
import { graphql } from "./gql";
import { createTestApi, codes, type TestApi, type Tenant } from "./support/api";
import { CreateConfig, CreateDomainGroup, CreateTemplate, Effective } from "./support/operations";

const Everything = graphql(`
  query Everything($domain: String!) {
    domainGroups { edges { node { id } } }
    snapshotTemplates { edges { node { id } } }
    snapshotConfigs { edges { node { id } } }
    liveStreams { edges { node { id } } }
    snapshots(domain: $domain) { edges { node { id } } }
  }
`);
const TemplateById = graphql(`query IsoTemplate($id: ID!) { snapshotTemplate(id: $id) { id name } }`);
const ConfigsByDomain = graphql(`query IsoConfigs($domain: String) { snapshotConfigs(domain: $domain) { edges { node { id } } } }`);
const LiveByDomain = graphql(`query IsoLive($domain: String) { liveStreams(domain: $domain) { edges { node { id } } } }`);
const UpdateTemplate = graphql(`
  mutation IsoUpdate($id: ID!, $input: UpdateSnapshotTemplateInput!) { updateSnapshotTemplate(id: $id, input: $input) { id } }
`);
const DeleteTemplate = graphql(`mutation IsoDeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }`);
const DeleteConfig = graphql(`mutation IsoDeleteConfig($id: ID!) { deleteSnapshotConfig(id: $id) }`);
const DeleteDomainGroup = graphql(`mutation IsoDeleteGroup($id: ID!) { deleteDomainGroup(id: $id) }`);
const RevokeToken = graphql(`mutation IsoRevoke($id: ID!) { revokeApiToken(id: $id) }`);
const CreateToken = graphql(`mutation IsoToken($accountId: ID!) { createApiToken(accountId: $accountId, role: ADMIN) { token } }`);

describe("isolation between accounts", () => {
  let api: TestApi;
  let alice: Tenant;
  let bob: Tenant;
  const ids = { group: "", template: "", config: "" };
  const domain = "alice.example.com";

  beforeAll(async () => {
    api = await createTestApi();
    alice = await api.tenant("alice");
    bob = await api.tenant("bob");
    ids.group = (await alice.admin(CreateDomainGroup, { input: { pushDomain: domain, playDomain: "play.alice.example.com" } })).data!
      .createDomainGroup.id;
    ids.template = (await alice.admin(CreateTemplate, { input: { name: "alice-t", format: "PNG", intervalSeconds: 5, storageMode: "SEQUENCE" } }))
      .data!.createSnapshotTemplate.id;
    ids.config = (await alice.admin(CreateConfig, { input: { domain, templateId: ids.template } })).data!.createSnapshotConfig.id;
    const [stream] = await api.handle.db
      .insert(liveStreamsTable)
      .values({ accountId: alice.accountId, domain, appName: "live", streamName: "cam1", source: "embedded" })
      .returning();
    await api.handle.db.insert(snapshotsTable).values({
      accountId: alice.accountId, liveStreamId: stream!.id, domain, appName: "live", streamName: "cam1", sourceId: "abc",
      bucket: "livesnap", key: "snapshot/20261125/abc/live/cam1.jpg", format: "JPG", width: 8, height: 8, bytes: 10,
      capturedAt: new Date(),
    });
    await bob.admin(CreateDomainGroup, { input: { pushDomain: "bob.example.com", playDomain: "play.bob.example.com" } });
  });
  afterAll(() => api.close());

  it("lists nothing of another account", async () => {
    const mine = await alice.reader(Everything, { domain });
    expect(mine.data!.domainGroups.edges).toHaveLength(1);
    expect(mine.data!.snapshotTemplates.edges).toHaveLength(1);
    expect(mine.data!.snapshotConfigs.edges).toHaveLength(1);
    expect(mine.data!.liveStreams.edges).toHaveLength(1);
    expect(mine.data!.snapshots.edges).toHaveLength(1);

    const theirs = await bob.admin(Everything, { domain });
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data!.domainGroups.edges).toHaveLength(1); // bob's own
    expect(theirs.data!.snapshotTemplates.edges).toEqual([]);
    expect(theirs.data!.snapshotConfigs.edges).toEqual([]);
    expect(theirs.data!.liveStreams.edges).toEqual([]);
    expect(theirs.data!.snapshots.edges).toEqual([]);
    expect((await bob.admin(LiveByDomain, { domain })).data!.liveStreams.edges).toEqual([]);
  });

  it("answers NOT_FOUND (or null) for another account's objects", async () => {
    expect((await bob.admin(TemplateById, { id: ids.template })).data!.snapshotTemplate).toBeNull();
    expect(codes(await bob.admin(ConfigsByDomain, { domain }))).toEqual(["NOT_FOUND"]);
    expect((await bob.admin(Effective, { domain, app: "live", stream: "cam1" })).data!.effectiveTemplate).toBeNull();
    expect(codes(await bob.admin(UpdateTemplate, { id: ids.template, input: { intervalSeconds: 60 } }))).toEqual(["NOT_FOUND"]);
    expect(codes(await bob.admin(DeleteTemplate, { id: ids.template }))).toEqual(["NOT_FOUND"]);
    expect(codes(await bob.admin(DeleteConfig, { id: ids.config }))).toEqual(["NOT_FOUND"]);
    expect(codes(await bob.admin(DeleteDomainGroup, { id: ids.group }))).toEqual(["NOT_FOUND"]);
    const foreignDomain = await bob.admin(CreateConfig, { input: { domain, templateId: ids.template } });
    expect(codes(foreignDomain)).toEqual(["NOT_FOUND"]);
    expect(foreignDomain.errors![0]!.extensions!.field).toBe("domain");
    const foreignTemplate = await bob.admin(CreateConfig, { input: { domain: "bob.example.com", templateId: ids.template } });
    expect(codes(foreignTemplate)).toEqual(["NOT_FOUND"]);
    expect(foreignTemplate.errors![0]!.extensions!.field).toBe("templateId");
    expect(codes(await bob.admin(RevokeToken, { id: ids.config }))).toEqual(["FORBIDDEN"]);
    expect(codes(await bob.admin(CreateToken, { accountId: alice.accountId }))).toEqual(["FORBIDDEN"]);
  });

  it("left every object of the first account as it was", async () => {
    const t = await alice.reader(TemplateById, { id: ids.template });
    expect(t.data!.snapshotTemplate).toMatchObject({ id: ids.template, name: "alice-t" });
    const e = await alice.reader(Effective, { domain, app: "live", stream: "cam1" });
    expect(e.data!.effectiveTemplate).toMatchObject({ level: "DOMAIN", config: { id: ids.config } });
    const all = await alice.reader(Everything, { domain });
    expect(all.data!.domainGroups.edges.map((x) => x.node.id)).toEqual([ids.group]);
  });
});
