import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokensTable } from "../src/db/schema";
import { graphql } from "./gql";
import { createTestApi, codes, type TestApi } from "./support/api";
import { CreateTemplate } from "./support/operations";

const CreateAccount = graphql(`mutation CreateAccount($name: String!) { createAccount(name: $name) { id name } }`);
const CreateToken = graphql(`
  mutation CreateToken($accountId: ID!, $role: Role!) {
    createApiToken(accountId: $accountId, role: $role) { token apiToken { id role accountId } }
  }
`);
const RevokeToken = graphql(`mutation RevokeToken($id: ID!) { revokeApiToken(id: $id) }`);
const ListTemplates = graphql(`query AuthTemplates { snapshotTemplates { edges { node { name } } } }`);

const template = { name: "auth-t", format: "JPG", intervalSeconds: 10, storageMode: "COVERAGE" } as const;

describe("accounts and API tokens", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it("refuses a missing, malformed or unknown token with UNAUTHENTICATED", async () => {
    expect(codes(await api.anonymous(ListTemplates))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await api.as("lsk_unknown-token-value-000000000000")(ListTemplates))).toEqual(["UNAUTHENTICATED"]);
    const malformed = await api.yoga.fetch("http://livesnap.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Basic abc" },
      body: JSON.stringify({ query: "{ snapshotTemplates { edges { cursor } } }" }),
    });
    const body = (await malformed.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
    expect(body.errors[0]!.message).toContain("Bearer");
  });

  it("lets the operator create an account and tokens that are shown once and stored hashed", async () => {
    const account = await api.operator(CreateAccount, { name: "acme" });
    expect(account.errors).toBeUndefined();
    const accountId = account.data!.createAccount.id;
    const admin = await api.operator(CreateToken, { accountId, role: "ADMIN" });
    const reader = await api.operator(CreateToken, { accountId, role: "READER" });
    const adminToken = admin.data!.createApiToken.token;
    const readerToken = reader.data!.createApiToken.token;
    expect(adminToken).not.toBe(readerToken);
    expect(adminToken.length).toBeGreaterThanOrEqual(40);

    const rows = await api.handle.db.select().from(apiTokensTable);
    for (const row of rows) {
      expect(row.tokenHash).not.toContain(adminToken);
      expect(row.tokenHash).not.toContain(readerToken);
    }

    expect((await api.as(adminToken)(CreateTemplate, { input: template })).errors).toBeUndefined();
    expect((await api.as(readerToken)(ListTemplates)).data!.snapshotTemplates.edges.map((e) => e.node.name)).toEqual(["auth-t"]);
    const write = await api.as(readerToken)(CreateTemplate, { input: { ...template, name: "by-reader" } });
    expect(codes(write)).toEqual(["FORBIDDEN"]);
  });

  it("keeps account and token management to operators", async () => {
    const tenant = await api.tenant("plain");
    expect(codes(await tenant.admin(CreateAccount, { name: "sneaky" }))).toEqual(["FORBIDDEN"]);
    expect(codes(await tenant.admin(CreateToken, { accountId: tenant.accountId, role: "ADMIN" }))).toEqual(["FORBIDDEN"]);
    expect(codes(await tenant.reader(CreateToken, { accountId: tenant.accountId, role: "ADMIN" }))).toEqual(["FORBIDDEN"]);
    expect(codes(await api.anonymous(CreateAccount, { name: "anon" }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("refuses duplicate and malformed account names, and unknown accounts", async () => {
    await api.operator(CreateAccount, { name: "dup-acct" });
    expect(codes(await api.operator(CreateAccount, { name: "dup-acct" }))).toEqual(["CONFLICT"]);
    const bad = await api.operator(CreateAccount, { name: "bad name/x" });
    expect(codes(bad)).toEqual(["BAD_USER_INPUT"]);
    expect(bad.errors![0]!.extensions!.field).toBe("name");
    expect(codes(await api.operator(CreateToken, { accountId: "00000000-0000-4000-8000-000000000000", role: "ADMIN" }))).toEqual(["NOT_FOUND"]);
  });

  it("stops a revoked token at once", async () => {
    const tenant = await api.tenant("revoked");
    const issued = await api.operator(CreateToken, { accountId: tenant.accountId, role: "ADMIN" });
    const { token, apiToken } = issued.data!.createApiToken;
    expect((await api.as(token)(ListTemplates)).errors).toBeUndefined();
    expect((await api.operator(RevokeToken, { id: apiToken.id })).data!.revokeApiToken).toBe(apiToken.id);
    expect(codes(await api.as(token)(ListTemplates))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await api.operator(RevokeToken, { id: apiToken.id }))).toEqual(["NOT_FOUND"]);
    // The account's other tokens keep working.
    expect((await tenant.admin(ListTemplates)).errors).toBeUndefined();
  });
});
