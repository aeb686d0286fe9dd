import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { GraphQLError } from "graphql";
import { createYoga, maskError, type YogaServerInstance } from "graphql-yoga";
import type { Database } from "../db/client";
import { authenticate } from "../domain/api-tokens";
import type { Viewer } from "../domain/viewer";
import { LivesnapError, unauthenticated } from "../errors";
import type { Logger } from "../logger";
import type { GraphQLContext, GraphQLServices } from "./context";
import { createLoaders } from "./loaders";
import { schema } from "./schema";

export const GRAPHQL_PATH = "/graphql";

/** Limits no real client reaches, that stop abusive documents before they run. */
export const QUERY_LIMITS = { maxDepth: 12, maxCost: 20_000, maxAliases: 30, maxTokens: 5_000, maxDirectives: 50 };

const GRAPHIQL_DEFAULT_QUERY = `# livesnap GraphQL API
#
# Put your token in the Headers tab below: {"Authorization": "Bearer lsk_..."}
# (npm run cli -- token create --account NAME --role admin prints one).
# Queries, mutations and subscriptions all use it; the Docs pane lists everything.

query Overview {
  domainGroups(first: 10) { edges { node { pushDomain playDomain sourceId } } }
  snapshotTemplates(first: 10) { edges { node { id name format intervalSeconds width height storageMode } } }
  liveStreams(status: LIVE, first: 10) { edges { node { domain appName streamName lastSnapshot { url } } } }
}

# subscription Snapshots { snapshotCreated { domain appName streamName key width height url } }
`;

export interface InitialContext {
  request: Request;
  /** graphql-ws connection_init payload, for operations over WebSocket. */
  connectionParams?: Record<string, unknown> | undefined;
}

export type GraphQLServer = YogaServerInstance<InitialContext, GraphQLContext>;

async function viewerFromAuthorization(db: Database, value: unknown): Promise<Viewer | null> {
  if (value === undefined || value === null || value === "") return null;
  const match = typeof value === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  if (!match) throw unauthenticated('authorization must be "Bearer <token>"');
  const viewer = await authenticate(db, match[1]!);
  if (!viewer) throw unauthenticated("the API token is unknown or revoked");
  return viewer;
}

export function authorizationOf(initial: InitialContext): unknown {
  return initial.connectionParams?.authorization ?? initial.connectionParams?.Authorization ?? initial.request.headers.get("authorization");
}

/**
 * Execution wraps resolver errors in one or more GraphQL errors; this finds what was thrown.
 * Duck-typed, because the errors may come from another copy of graphql-js than ours.
 */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && isGraphQLErrorLike(current) && current.originalError; depth++) {
    current = current.originalError;
  }
  return current;
}

export function isGraphQLErrorLike(error: unknown): error is GraphQLError {
  return error instanceof Error && "extensions" in error && "originalError" in error;
}

export function createGraphQLServer(deps: { db: Database; services: GraphQLServices; logger: Logger }): GraphQLServer {
  const log = deps.logger.child({ module: "graphql" });
  return createYoga<InitialContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: {
      debug: (...args) => log.debug(args.map(String).join(" ")),
      info: (...args) => log.info(args.map(String).join(" ")),
      warn: (...args) => log.warn(args.map(String).join(" ")),
      error: (...args) => log.error(args.map(String).join(" ")),
    },
    graphiql: { title: "livesnap", subscriptionsProtocol: "WS", defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    // Loaded on the first GraphiQL page: its 9 MB of inlined assets cost ~70 MiB of idle RSS.
    renderGraphiQL: (options) => import("@graphql-yoga/render-graphiql").then((graphiql) => graphiql.renderGraphiQL(options)),
    context: async (initial) => ({
      db: deps.db,
      viewer: await viewerFromAuthorization(deps.db, authorizationOf(initial)),
      services: deps.services,
      loaders: createLoaders(deps.db, deps.services),
    }),
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = rootCause(error);
        if (original instanceof LivesnapError) {
          return new GraphQLError(original.message, {
            nodes: isGraphQLErrorLike(error) ? error.nodes : undefined,
            path: isGraphQLErrorLike(error) ? error.path : undefined,
            extensions: original.field ? { code: original.code, field: original.field } : { code: original.code },
          });
        }
        if (!isGraphQLErrorLike(original)) log.error({ err: original }, "unexpected error in a GraphQL operation");
        return maskError(error, message, isDev);
      },
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth },
        costLimit: { maxCost: QUERY_LIMITS.maxCost },
        maxAliases: { n: QUERY_LIMITS.maxAliases },
        maxTokens: { n: QUERY_LIMITS.maxTokens },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives },
        // Suggestions help people exploring in GraphiQL, and the schema is public anyway.
        blockFieldSuggestion: { enabled: false },
      }),
    ],
  });
}
