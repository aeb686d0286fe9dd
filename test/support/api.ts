import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type GraphQLFormattedError } from "graphql";
import type { DatabaseHandle } from "../../src/db/client";
import { createTokenAuthenticator, ensureBootstrapToken, issueTokenForAccount } from "../../src/domain/api-tokens";
import { createInProcessEventBus } from "../../src/events/in-process-bus";
import { loadConfig } from "../../src/config";
import { createAuthGuard } from "../../src/graphql/auth-guard";
import type { GraphQLServices } from "../../src/graphql/context";
import { createGraphQLServer, type GraphQLServer } from "../../src/graphql/yoga";
import { silentLogger } from "../../src/logger";
import { createTestDatabase } from "./db";

export interface Result<T> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export type Run = <T, V extends Record<string, unknown>>(
  document: TypedDocumentNode<T, V>,
  ...variables: {} extends V ? [V?] : [V]
) => Promise<Result<T>>;

export interface Tenant {
  accountId: string;
  adminToken: string;
  readerToken: string;
  admin: Run;
  reader: Run;
}

export interface TestApi {
  handle: DatabaseHandle;
  yoga: GraphQLServer;
  operatorToken: string;
  /** As the operator (BOOTSTRAP_ADMIN_TOKEN, ADMIN of account default). */
  operator: Run;
  anonymous: Run;
  as(token: string): Run;
  /** A fresh account with an ADMIN and a READER token. */
  tenant(name: string): Promise<Tenant>;
  close(): Promise<void>;
}

/** The GraphQL API over a fresh database, driven through yoga.fetch without a port. */
export async function createTestApi(services?: Partial<GraphQLServices>): Promise<TestApi> {
  const handle = await createTestDatabase();
  const bus = createInProcessEventBus();
  const tokens = createTokenAuthenticator(handle.db, bus);
  const yoga = createGraphQLServer({
    db: handle.db,
    logger: silentLogger(),
    auth: createAuthGuard(tokens, loadConfig({}).limits),
    maxSubscriptionsPerToken: loadConfig({}).limits.maxSubscriptionsPerToken,
    services: {
      bus,
      signSnapshotUrl: async () => {
        throw new Error("this test API signs no URLs");
      },
      pushUrlBase: () => "rtmp://{domain}",
      deleteSnapshotObject: async () => {
        throw new Error("this test API deletes no objects");
      },
      ...services,
    },
  });
  const operatorToken = "operator-token-for-tests-0123456789";
  await ensureBootstrapToken(handle.db, operatorToken);

  const as = (token: string | null) => runner((url, init) => yoga.fetch(url, init), "http://livesnap.test", token);

  return {
    handle,
    yoga,
    operatorToken,
    operator: as(operatorToken),
    anonymous: as(null),
    as,
    async tenant(name) {
      const admin = await issueTokenForAccount(handle.db, name, "ADMIN");
      const reader = await issueTokenForAccount(handle.db, name, "READER");
      return {
        accountId: admin.apiToken.accountId,
        adminToken: admin.token,
        readerToken: reader.token,
        admin: as(admin.token),
        reader: as(reader.token),
      };
    },
    async close() {
      tokens.close();
      await bus.close();
      await handle.close();
    },
  };
}

/** Runs typed operations through `fetch` (yoga.fetch, or the real network) as the token's holder. */
export function runner(
  fetcher: (url: string, init: RequestInit) => Promise<Response> | Response,
  baseUrl: string,
  token: string | null,
): Run {
  return async (document, ...variables) => {
    const response = await fetcher(`${baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: print(document), variables: variables[0] ?? {} }),
    });
    return (await response.json()) as Result<never>;
  };
}

/** Over HTTP to a running livesnap. */
export const httpRunner = (baseUrl: string, token: string | null): Run => runner(fetch, baseUrl, token);

/** The error codes of a result, in order. */
export function codes(result: Result<unknown>): (string | undefined)[] {
  return (result.errors ?? []).map((e) => e.extensions?.code as string | undefined);
}
