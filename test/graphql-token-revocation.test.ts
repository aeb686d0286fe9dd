import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { codes, httpRunner } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { openWsClient, subscribe } from "./support/ws-client";

const OPERATOR = "operator-token-for-revocation-tests-0";
const CreateToken = graphql(`
  mutation RevocationCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }
`);
const Revoke = graphql(`mutation RevocationRevoke($id: ID!) { revokeApiToken(id: $id) }`);
const Templates = graphql(`query RevocationTemplates { snapshotTemplates { edges { cursor } } }`);
const TEMPLATES = "{ snapshotTemplates { edges { cursor } } }";

describe("token checks are cached, and a revocation takes effect on the very next request", () => {
  let t: TestApp;
  let accountId: string;
  beforeAll(async () => {
    t = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: OPERATOR });
    accountId = (await t.app.database.db.query.accountsTable.findFirst({ where: (a, { eq }) => eq(a.name, "default") }))!.id;
  });
  afterAll(() => t.stop());

  const issue = async () => (await httpRunner(t.app.url, OPERATOR)(CreateToken, { accountId, role: "ADMIN" })).data!.createApiToken;

  it("over HTTP and over WebSocket, for open connections and new ones", async () => {
    const revoked = await issue();
    const kept = await issue();
    const asRevoked = httpRunner(t.app.url, revoked.token);
    // Many requests first, so the token's check is answered from the cache when it is revoked.
    for (let i = 0; i < 20; i++) expect((await asRevoked(Templates)).errors).toBeUndefined();
    const open = openWsClient(t.app.url, revoked.token);
    try {
      const before = subscribe(open, TEMPLATES);
      expect(await before.next(10_000)).toEqual({ snapshotTemplates: { edges: [] } });

      expect((await httpRunner(t.app.url, OPERATOR)(Revoke, { id: revoked.apiToken.id })).data!.revokeApiToken).toBe(revoked.apiToken.id);

      expect(codes(await asRevoked(Templates))).toEqual(["UNAUTHENTICATED"]);
      await expect(subscribe(open, TEMPLATES).next(10_000)).rejects.toThrow(/UNAUTHENTICATED/);
      const fresh = openWsClient(t.app.url, revoked.token);
      try {
        await expect(subscribe(fresh, TEMPLATES).next(10_000)).rejects.toThrow(/"closed":4403/);
      } finally {
        await fresh.dispose();
      }
      // Only that token: another one of the same account keeps working, over both.
      expect((await httpRunner(t.app.url, kept.token)(Templates)).errors).toBeUndefined();
      const other = openWsClient(t.app.url, kept.token);
      try {
        expect(await subscribe(other, TEMPLATES).next(10_000)).toEqual({ snapshotTemplates: { edges: [] } });
      } finally {
        await other.dispose();
      }
    } finally {
      await open.dispose();
    }
  });

  it("still refuses unknown tokens over HTTP and WebSocket", async () => {
    const unknown = "lsk_this-token-was-never-issued-000000000000";
    for (let i = 0; i < 3; i++) expect(codes(await httpRunner(t.app.url, unknown)(Templates))).toEqual(["UNAUTHENTICATED"]);
    const client = openWsClient(t.app.url, unknown);
    try {
      await expect(subscribe(client, TEMPLATES).next(10_000)).rejects.toThrow(/"closed":4403/);
    } finally {
      await client.dispose();
    }
  });
});
