import type { IncomingMessage } from "node:http";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { GraphQLError } from "graphql";
import { createYoga, maskError, type YogaServerInstance } from "graphql-yoga";
import type { Database } from "../db/client";
import { isDatabaseUnavailable } from "../domain/pg-errors";
import { LivesnapError, RateLimitedError } from "../errors";
import type { Logger } from "../logger";
import { currentRequestId } from "../request-id";
import type { AuthGuard } from "./auth-guard";
import { corsPolicy } from "./cors-policy";
import type { GraphQLContext, GraphQLServices } from "./context";
import { createLoaders } from "./loaders";
import { schema } from "./schema";
import { useRequestParamErrors } from "./use-request-param-errors";
import { useSubscriptionCap } from "./use-subscription-cap";
import { useSubscriptionLoaders } from "./use-subscription-loaders";
import { useSharedSubscriptionResults, type SharedSubscriptionResultsOptions } from "./use-shared-subscription-results";
import { fieldOfVariableRefusal } from "./variable-errors";

export const GRAPHQL_PATH = "/graphql";

/** Limits no real client reaches, that stop abusive documents before they run. */
export const QUERY_LIMITS = { maxDepth: 15, maxCost: 20_000, maxAliases: 30, maxTokens: 5_000, maxDirectives: 50 };

/** The code of errors that go away by themselves, such as the database being unreachable (HTTP 503). */
export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";

/** The code of every error a query limit raises, so clients tell it from a mistake in the document. */
export const QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX";

/**
 * Armor's own errors carry no code and read as syntax errors; this one replaces them. Thrown
 * from the rule (or the parser, for tokens), it ends the request exactly as Armor's would.
 */
function rejectAsTooComplex(_context: unknown, error: GraphQLError): never {
  throw new GraphQLError(error.message.replace(/^Syntax Error: /, ""), { extensions: { code: QUERY_TOO_COMPLEX } });
}

const ARMOR_REJECTION = { onReject: [rejectAsTooComplex], propagateOnRejection: false };

/**
 * Introspection is limited like any query: GraphiQL's introspection query nests 15 fields deep
 * and costs about 16,000 when fragments are measured by the fields they hold, as they are here.
 */
const INTROSPECTION_LIMITED = { ignoreIntrospection: false, flattenFragments: true };

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
  /** The Node request (the upgrade request over WebSocket): where the client connects from. */
  req?: IncomingMessage | undefined;
}

export type GraphQLServer = YogaServerInstance<InitialContext, GraphQLContext>;

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

/** The extensions of a deliberate error; a rate limit also sets the HTTP status and Retry-After. */
function extensionsOf(error: LivesnapError): Record<string, unknown> {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.field) extensions.field = error.field;
  if (error.code === "SERVICE_UNAVAILABLE") extensions.http = { status: 503 };
  if (error instanceof RateLimitedError) {
    extensions.retryAfterSeconds = error.retryAfterSeconds;
    extensions.http = { status: 429, headers: { "retry-after": String(error.retryAfterSeconds) } };
  }
  return extensions;
}

export function createGraphQLServer(deps: {
  db: Database;
  services: GraphQLServices;
  logger: Logger;
  auth: AuthGuard;
  /** Open subscriptions one token may hold (WebSocket and Server-Sent Events together). */
  maxSubscriptionsPerToken: number;
  /** Exact origins allowed to call cross-origin; none by default. */
  corsOrigins?: readonly string[];
  /** Told whether each subscription result was executed or shared with other subscribers. */
  onSubscriptionResult?: SharedSubscriptionResultsOptions["onResult"];
}): GraphQLServer {
  const log = deps.logger.child({ module: "graphql" });
  return createYoga<InitialContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    logging: {
      // yoga logs a few debug lines per request: format them only when they are written.
      debug: (...args) => log.isLevelEnabled("debug") && log.debug(args.map(String).join(" ")),
      info: (...args) => log.info(args.map(String).join(" ")),
      warn: (...args) => log.warn(args.map(String).join(" ")),
      // yoga reports here each error it masked; maskError below has already logged it, at its level.
      error: (...args) =>
        args.some((a) => a instanceof Error) ? log.trace("masked error passed on") : log.error(args.map(String).join(" ")),
    },
    graphiql: { title: "livesnap", subscriptionsProtocol: "WS", defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    // Loaded on the first GraphiQL page: its 9 MB of inlined assets cost ~70 MiB of idle RSS.
    renderGraphiQL: (options) => import("@graphql-yoga/render-graphiql").then((graphiql) => graphiql.renderGraphiQL(options)),
    cors: corsPolicy(deps.corsOrigins ?? []),
    context: async (initial) => ({
      db: deps.db,
      viewer: await deps.auth.viewerOf(authorizationOf(initial), initial.req?.socket.remoteAddress),
      services: deps.services,
      loaders: createLoaders(deps.db, deps.services),
    }),
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = rootCause(error);
        const requestId = currentRequestId();
        if (isDatabaseUnavailable(original)) {
          log.warn({ err: original, requestId }, "database unreachable during a GraphQL operation");
          return new GraphQLError("the database is unreachable; try again shortly", {
            nodes: isGraphQLErrorLike(error) ? error.nodes : undefined,
            path: isGraphQLErrorLike(error) ? error.path : undefined,
            extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503 }, requestId },
          });
        }
        if (original instanceof LivesnapError) {
          // A client's mistake, not the service's: kept quiet and without the document.
          log.debug({ requestId, code: original.code, field: original.field, message: original.message }, "client error");
          return new GraphQLError(original.message, {
            nodes: isGraphQLErrorLike(error) ? error.nodes : undefined,
            path: isGraphQLErrorLike(error) ? error.path : undefined,
            extensions: extensionsOf(original),
          });
        }
        if (isGraphQLErrorLike(error) && !error.extensions.code) {
          const field = fieldOfVariableRefusal(error.message);
          if (field) return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "BAD_USER_INPUT", field } });
        }
        const masked = maskError(error, message, isDev);
        if (isGraphQLErrorLike(original) || masked === error) return masked;
        log.error({ err: original, requestId }, "unexpected error in a GraphQL operation");
        return new GraphQLError(masked.message, {
          nodes: isGraphQLErrorLike(masked) ? masked.nodes : undefined,
          path: isGraphQLErrorLike(masked) ? masked.path : undefined,
          extensions: { ...(isGraphQLErrorLike(masked) ? masked.extensions : {}), requestId },
        });
      },
    },
    plugins: [
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth, ...INTROSPECTION_LIMITED, ...ARMOR_REJECTION },
        costLimit: { maxCost: QUERY_LIMITS.maxCost, ...INTROSPECTION_LIMITED, ...ARMOR_REJECTION },
        // Aliases of __typename cost little each, but thousands of them are still work for nothing.
        maxAliases: { n: QUERY_LIMITS.maxAliases, allowList: [], ...ARMOR_REJECTION },
        maxTokens: { n: QUERY_LIMITS.maxTokens, ...ARMOR_REJECTION },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...ARMOR_REJECTION },
        // Suggestions help people exploring in GraphiQL, and the schema is public anyway.
        blockFieldSuggestion: { enabled: false },
      }),
      useRequestParamErrors(),
      useSubscriptionLoaders({ db: deps.db, services: deps.services }),
      useSubscriptionCap({ maxPerToken: deps.maxSubscriptionsPerToken }),
      useSharedSubscriptionResults({ onResult: deps.onSubscriptionResult }),
    ],
  });
}
