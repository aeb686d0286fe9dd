import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql } from "./gql";
import { httpRunner } from "./support/api";
import { startTestApp, type TestApp } from "./support/app";
import { openWsClient, subscribe } from "./support/ws-client";

const OPERATOR = "operator-token-for-ws-tests-000000";
const CreateToken = graphql(`
  mutation WsCreateToken($accountId: ID!, $role: Role!) { createApiToken(accountId: $accountId, role: $role) { token apiToken { id } } }
`);
const Revoke = graphql(`mutation WsRevoke($id: ID!) { revokeApiToken(id: $id) }`);
const Me = graphql(`query WsTemplates { snapshotTemplates { edges { cursor } } }`);

describe("GraphQL over WebSocket", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BOOTSTRAP_ADMIN_TOKEN: OPERATOR });
  });
  afterAll(() => t.stop());

  it("answers queries and subscriptions on the same port and path, with a READER token too", async () => {
    const token = await t.token("ws-reader", "READER");
    const client = openWsClient(t.app.url, token);
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: "{ snapshotTemplates { edges { cursor } } }" }, { next: resolve, error: reject, complete: () => {} });
      });
      expect(result).toEqual({ data: { snapshotTemplates: { edges: [] } } });
    } finally {
      await client.dispose();
    }
  });

  it("takes the token from an operation's extensions.headers, as GraphiQL sends it", async () => {
    const token = await t.token("ws-graphiql");
    const client = openWsClient(t.app.url, null);
    try {
      const run = (headers: Record<string, string>) =>
        new Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }>((resolve, reject) => {
          client.subscribe(
            { query: "{ snapshotTemplates { edges { cursor } } }", extensions: { headers } },
            { next: (v) => resolve(v as never), error: reject, complete: () => {} },
          );
        });
      expect(await run({ Authorization: `Bearer ${token}` })).toEqual({ data: { snapshotTemplates: { edges: [] } } });
      const anonymous = await run({});
      expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    } finally {
      await client.dispose();
    }
  });

  it("gives errors their code and masks nothing deliberate", async () => {
    const token = await t.token("ws-errors");
    const client = openWsClient(t.app.url, token);
    const sub = subscribe(client, `subscription { snapshotCreated(domain: "not a domain") { id } }`);
    await expect(sub.next(5_000)).rejects.toThrow(/BAD_USER_INPUT/);
    await client.dispose();
  });

  it("ends a revoked token's open subscriptions and refuses its next operation", async () => {
    const operator = httpRunner(t.app.url, OPERATOR);
    const accountId = (await t.app.database.db.query.accountsTable.findFirst({ where: (a, { eq }) => eq(a.name, "default") }))!.id;
    const issued = (await operator(CreateToken, { accountId, role: "ADMIN" })).data!.createApiToken;
    const client = openWsClient(t.app.url, issued.token);
    let completed = false;
    const events: unknown[] = [];
    client.subscribe({ query: "subscription { snapshotCreated { id } }" }, { next: (v) => events.push(v), error: () => {}, complete: () => (completed = true) });
    try {
      // The subscription is open once a query on the same connection has gone through.
      const first = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: "{ __typename }" }, { next: resolve, error: reject, complete: () => {} });
      });
      expect(first).toEqual({ data: { __typename: "Query" } });
      expect((await operator(Revoke, { id: issued.apiToken.id })).data!.revokeApiToken).toBe(issued.apiToken.id);
      const deadline = Date.now() + 5_000;
      while (!completed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(completed).toBe(true);
      const next = subscribe(client, "{ snapshotTemplates { edges { cursor } } }");
      await expect(next.next(5_000)).rejects.toThrow(/UNAUTHENTICATED/);
      expect((await httpRunner(t.app.url, issued.token)(Me)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
      expect(events).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});
