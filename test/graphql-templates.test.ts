import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { createTestApi, codes, type TestApi, type Tenant } from "./support/api";
import { CreateTemplate } from "./support/operations";

const Templates = graphql(`
  query Templates($first: Int, $after: String) {
    snapshotTemplates(first: $first, after: $after) {
      edges { cursor node { id name } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
`);
const GetTemplate = graphql(`
  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }
`);
const UpdateTemplate = graphql(`
  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {
    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }
  }
`);
const DeleteTemplate = graphql(`mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }`);

const base = { name: "t", format: "JPG", intervalSeconds: 10, storageMode: "COVERAGE" } as const;

describe("snapshot templates", () => {
  let api: TestApi;
  let alice: Tenant;
  beforeAll(async () => {
    api = await createTestApi();
    alice = await api.tenant("alice");
  });
  afterAll(() => api.close());

  async function count() {
    const r = await alice.admin(Templates, { first: 100 });
    return r.data!.snapshotTemplates.edges.length;
  }

  it("creates a template with defaults and reads it back", async () => {
    const r = await alice.admin(CreateTemplate, { input: { ...base, name: "cover_1", width: 640 } });
    expect(r.errors).toBeUndefined();
    const t = r.data!.createSnapshotTemplate;
    expect(t).toMatchObject({ name: "cover_1", format: "JPG", intervalSeconds: 10, width: 640, height: null, fillMode: "STRETCH", storageMode: "COVERAGE", bucket: null });
    const got = await alice.reader(GetTemplate, { id: t.id });
    expect(got.data!.snapshotTemplate).toMatchObject({ id: t.id, name: "cover_1", width: 640 });
  });

  it("accepts the edges of every range", async () => {
    for (const input of [
      { ...base, name: "edge-low", intervalSeconds: 5, width: 8, height: 8 },
      { ...base, name: "edge-high", intervalSeconds: 3600, width: 8192, height: 8192, fillMode: "BLUR", format: "PNG", storageMode: "SEQUENCE", bucket: "my-bucket.snap" },
      { ...base, name: "a".repeat(50) },
      { ...base, name: "_x-y_" },
    ] as const) {
      const r = await alice.admin(CreateTemplate, { input });
      expect({ name: input.name, errors: r.errors }).toEqual({ name: input.name, errors: undefined });
    }
  });

  const badInputs: [string, Record<string, unknown>, string][] = [
    ["interval 4", { intervalSeconds: 4 }, "intervalSeconds"],
    ["interval 3601", { intervalSeconds: 3601 }, "intervalSeconds"],
    ["width 7", { width: 7 }, "width"],
    ["width 8193", { width: 8193 }, "width"],
    ["height 7", { height: 7 }, "height"],
    ["height 8193", { height: 8193 }, "height"],
    ["name with /", { name: "a/b" }, "name"],
    ["name with a space", { name: "a b" }, "name"],
    ["name with leading -", { name: "-ab" }, "name"],
    ["name with trailing -", { name: "ab-" }, "name"],
    ["name of 51 characters", { name: "a".repeat(51) }, "name"],
    ["empty name", { name: "" }, "name"],
    ["bucket with upper case", { bucket: "My_Bucket" }, "bucket"],
  ];
  for (const [label, change, field] of badInputs) {
    it(`refuses ${label} naming ${field}, and stores nothing`, async () => {
      const before = await count();
      const r = await alice.admin(CreateTemplate, { input: { ...base, name: "bad_one", ...change } as never });
      expect(codes(r)).toEqual(["BAD_USER_INPUT"]);
      expect(r.errors![0]!.extensions!.field).toBe(field);
      expect(r.errors![0]!.message).toContain(field);
      expect(await count()).toBe(before);
    });
  }

  it("refuses unknown enum values and non-integer sizes before anything runs", async () => {
    const before = await count();
    for (const [change, mention] of [
      [{ format: "GIF" }, "GIF"],
      [{ fillMode: "CROP" }, "CROP"],
      [{ storageMode: "ARCHIVE" }, "ARCHIVE"],
      [{ width: 640.5 }, "width"],
      [{ height: "tall" }, "height"],
    ] as const) {
      const r = await alice.admin(CreateTemplate, { input: { ...base, name: "bad_enum", ...change } as never });
      expect(r.data ?? null).toBeNull();
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.message).toContain(mention);
    }
    expect(await count()).toBe(before);
  });

  it("refuses a duplicate name in the same account with CONFLICT", async () => {
    await alice.admin(CreateTemplate, { input: { ...base, name: "dup" } });
    const r = await alice.admin(CreateTemplate, { input: { ...base, name: "dup", format: "PNG" } });
    expect(codes(r)).toEqual(["CONFLICT"]);
    expect(r.errors![0]!.extensions!.field).toBe("name");
  });

  it("allows the same name in another account", async () => {
    const bob = await api.tenant("bob-names");
    await alice.admin(CreateTemplate, { input: { ...base, name: "shared-name" } });
    const r = await bob.admin(CreateTemplate, { input: { ...base, name: "shared-name" } });
    expect(r.errors).toBeUndefined();
  });

  it("updates given fields only, clears width with null, and validates like create", async () => {
    const created = (await alice.admin(CreateTemplate, { input: { ...base, name: "upd", width: 320, height: 240 } })).data!
      .createSnapshotTemplate;
    const r = await alice.admin(UpdateTemplate, { id: created.id, input: { intervalSeconds: 30, width: null } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateSnapshotTemplate).toMatchObject({ name: "upd", intervalSeconds: 30, width: null, height: 240 });
    expect(new Date(r.data!.updateSnapshotTemplate.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(created.updatedAt).getTime(),
    );
    const bad = await alice.admin(UpdateTemplate, { id: created.id, input: { intervalSeconds: 3601 } });
    expect(codes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors![0]!.extensions!.field).toBe("intervalSeconds");
    const clash = await alice.admin(UpdateTemplate, { id: created.id, input: { name: "dup" } });
    expect(codes(clash)).toEqual(["CONFLICT"]);
    const after = await alice.reader(GetTemplate, { id: created.id });
    expect(after.data!.snapshotTemplate).toMatchObject({ name: "upd", intervalSeconds: 30, width: null, height: 240 });
  });

  it("refuses writes with a READER token and changes nothing", async () => {
    const before = await count();
    const r = await alice.reader(CreateTemplate, { input: { ...base, name: "by-reader" } });
    expect(codes(r)).toEqual(["FORBIDDEN"]);
    expect(await count()).toBe(before);
  });

  it("pages through the list with cursors, oldest first, without repeats", async () => {
    const bob = await api.tenant("bob-pages");
    for (let i = 0; i < 7; i++) await bob.admin(CreateTemplate, { input: { ...base, name: `p${i}` } });
    const seen: string[] = [];
    let after: string | null | undefined = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof bob.admin<never, never>>> = await bob.admin(Templates, { first: 3, after });
      const conn = (page.data as { snapshotTemplates: { edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }).snapshotTemplates;
      seen.push(...conn.edges.map((e) => e.node.name));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
    const bad = await bob.admin(Templates, { first: 3, after: "not-a-cursor" });
    expect(codes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors![0]!.extensions!.field).toBe("after");
    const tooMany = await bob.admin(Templates, { first: 1000 });
    expect(codes(tooMany)).toEqual(["BAD_USER_INPUT"]);
  });

  it("deletes an unused template; an unknown id is NOT_FOUND", async () => {
    const t = (await alice.admin(CreateTemplate, { input: { ...base, name: "gone" } })).data!.createSnapshotTemplate;
    const r = await alice.admin(DeleteTemplate, { id: t.id });
    expect(r.data!.deleteSnapshotTemplate).toBe(t.id);
    expect((await alice.admin(GetTemplate, { id: t.id })).data!.snapshotTemplate).toBeNull();
    expect(codes(await alice.admin(DeleteTemplate, { id: t.id }))).toEqual(["NOT_FOUND"]);
    expect(codes(await alice.admin(DeleteTemplate, { id: "nonsense" }))).toEqual(["NOT_FOUND"]);
  });
});
