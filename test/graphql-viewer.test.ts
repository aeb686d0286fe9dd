import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { codes, createTestApi, type TestApi } from "./support/api";

const Viewer = graphql(`
  query Viewer {
    viewer { role operator account { id name } }
  }
`);

describe("Query.viewer", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it("tells a token's holder its account and role", async () => {
    const tenant = await api.tenant("acme");
    expect((await tenant.admin(Viewer)).data?.viewer).toEqual({ role: "ADMIN", operator: false, account: { id: tenant.accountId, name: "acme" } });
    expect((await tenant.reader(Viewer)).data?.viewer.role).toBe("READER");
    expect((await api.operator(Viewer)).data?.viewer).toMatchObject({ role: "ADMIN", operator: true, account: { name: "default" } });
  });

  it("is UNAUTHENTICATED without a valid token", async () => {
    expect(codes(await api.anonymous(Viewer))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await api.as("no-such-token-0123456789")(Viewer))).toEqual(["UNAUTHENTICATED"]);
  });
});
