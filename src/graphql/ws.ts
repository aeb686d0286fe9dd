import type { Server } from "node:http";
import { GraphQLError, type ExecutionArgs } from "graphql";
import type { Context } from "graphql-ws";
import { useServer, type Extra } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Limits } from "../config";
import { LivesnapError, RateLimitedError } from "../errors";
import { MAX_GRAPHQL_BODY_BYTES } from "../http-server";
import type { Logger } from "../logger";
import { newRequestId, withRequestId } from "../request-id";
import type { AuthGuard } from "./auth-guard";
import type { GraphQLContext } from "./context";
import { PerTokenCount } from "./per-token-count";
import { placeSerializedPayload, SerializedPayloadWebSocket, serializedPayloadOf } from "./ws-serialized-payloads";
import { GRAPHQL_PATH, isGraphQLErrorLike, type GraphQLServer } from "./yoga";

/** Close codes a client sees, each with a reason naming the limit. */
export const WS_CLOSE = {
  /** Connection params with an invalid token (graphql-ws's own code for a refused connection). */
  invalidToken: 4403,
  /** No valid token and no authenticated operation within the allowed time. */
  unauthenticated: 4401,
  /** Too many failed authentications from the address, or too many connections for the token. */
  tooMany: 4429,
  /** A message over the size limit (ws's own code). */
  messageTooBig: 1009,
  internalError: 1011,
} as const;

/** The authorization value of connection params or of an operation's extensions.headers. */
function authorizationIn(params: Readonly<Record<string, unknown>> | null | undefined): unknown {
  const value = params?.authorization ?? params?.Authorization;
  return value === "" || value === null ? undefined : value;
}

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
  requestId: string;
}

/** What one connection holds, released when it closes (its subscriptions end with it). */
interface Connection {
  /** The token the connection counts against, once it has one. */
  tokenId: string | null;
  authTimer: NodeJS.Timeout | null;
}

type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/** Runs each step of a subscription's stream as part of its operation, so its logs carry the id. */
function withinRequest<T>(requestId: string, iterable: AsyncIterable<T>): AsyncIterableIterator<T> {
  const inner = iterable[Symbol.asyncIterator]();
  const wrapped: AsyncIterableIterator<T> = {
    next: () => withRequestId(requestId, () => inner.next()),
    return: (value?: unknown) =>
      withRequestId(requestId, () => inner.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined })),
    throw: (error?: unknown) => withRequestId(requestId, () => inner.throw?.(error) ?? Promise.reject(error)),
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}

/** The HTTP status and headers of an error mean nothing on a socket. */
function withoutHttp(error: GraphQLError): GraphQLError {
  if (!error.extensions?.http) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions });
}

/**
 * graphql-ws on the HTTP server's port and path, run through yoga's envelop so that context,
 * auth, limits and error masking are the same as over HTTP. A connection whose params carry an
 * invalid token is refused (4403); each operation authenticates again, with the connection's
 * token or one in its `extensions.headers` (GraphiQL's way), so a revoked token cannot start one.
 * A connection without a valid token is closed (4401) unless an authenticated operation starts
 * within `wsAuthTimeoutMs`; a token holds a bounded number of connections (subscriptions are
 * capped in yoga, for Server-Sent Events too); a message over the body limit closes the socket
 * (1009) before it is buffered whole.
 */
export function attachGraphQLWebSocket(deps: {
  server: Server;
  yoga: GraphQLServer;
  auth: AuthGuard;
  logger: Logger;
  limits: Pick<Limits, "wsAuthTimeoutMs" | "wsMaxConnectionsPerToken">;
}) {
  const log = deps.logger.child({ module: "graphql-ws" });
  const { limits } = deps;
  const wss = new WebSocketServer({
    server: deps.server,
    path: GRAPHQL_PATH,
    maxPayload: MAX_GRAPHQL_BODY_BYTES,
    WebSocket: SerializedPayloadWebSocket,
  });
  const connectionsPerToken = new PerTokenCount(limits.wsMaxConnectionsPerToken);
  const connections = new WeakMap<WsContext, Connection>();
  const close = (ctx: WsContext, code: number, reason: string) => ctx.extra.socket.close(code, reason);
  const tooManyConnections = `too many connections for this token (at most ${limits.wsMaxConnectionsPerToken})`;
  // yoga's context wants a Request; over a socket it carries nothing (the token comes from the
  // connection params), so every operation gets this one rather than ~2 KB of its own to keep.
  const operationRequest = new Request(`http://localhost${GRAPHQL_PATH}`);

  /** Counts the connection against its token once it has one; false when the token holds too many. */
  function attribute(connection: Connection, tokenId: string): boolean {
    if (connection.authTimer) clearTimeout(connection.authTimer);
    connection.authTimer = null;
    if (connection.tokenId !== null) return true;
    if (!connectionsPerToken.tryAdd(tokenId)) return false;
    connection.tokenId = tokenId;
    return true;
  }

  function release(connection: Connection) {
    if (connection.authTimer) clearTimeout(connection.authTimer);
    connection.authTimer = null;
    if (connection.tokenId !== null) connectionsPerToken.remove(connection.tokenId);
    connection.tokenId = null;
  }

  const disposable = useServer(
    {
      // Close reasons never carry the message of an internal error.
      isProd: true,
      // Subscribers sharing an event's result share its JSON too: only the envelope is written per message.
      onNext: (_ctx, _id, _payload, _args, result) => serializedPayloadOf(result) as never,
      jsonMessageReplacer: placeSerializedPayload,
      execute: (args) => {
        const root = args.rootValue as EnvelopedRoot;
        return withRequestId(root.requestId, () => root.execute(args)) as never;
      },
      subscribe: async (args) => {
        const root = args.rootValue as EnvelopedRoot;
        const result = await withRequestId(root.requestId, () => root.subscribe(args));
        const iterable = result as AsyncIterable<unknown>;
        return (typeof iterable?.[Symbol.asyncIterator] === "function" ? withinRequest(root.requestId, iterable) : result) as never;
      },
      onConnect: async (ctx) => {
        const connection: Connection = { tokenId: null, authTimer: null };
        connections.set(ctx, connection);
        const value = authorizationIn(ctx.connectionParams);
        // Without a token the connection may still carry per-operation tokens, as GraphiQL sends them.
        if (value === undefined) {
          connection.authTimer = setTimeout(
            () => close(ctx, WS_CLOSE.unauthenticated, `no authenticated operation within ${limits.wsAuthTimeoutMs / 1000} s`),
            limits.wsAuthTimeoutMs,
          );
          return true;
        }
        try {
          const viewer = await deps.auth.viewerOf(value, ctx.extra.request.socket.remoteAddress);
          if (viewer && attribute(connection, viewer.tokenId)) return true;
          if (viewer) close(ctx, WS_CLOSE.tooMany, tooManyConnections);
        } catch (error) {
          if (!(error instanceof LivesnapError)) {
            log.error({ err: error }, "could not authenticate a WebSocket connection");
            close(ctx, WS_CLOSE.internalError, "internal error");
            return false;
          }
          if (error instanceof RateLimitedError) close(ctx, WS_CLOSE.tooMany, error.message);
          log.debug({ code: error.code }, "WebSocket connection refused");
        }
        return false;
      },
      onSubscribe: (ctx, id, payload) => {
        const requestId = newRequestId();
        return withRequestId(requestId, async () => {
          const connection = connections.get(ctx)!;
          const extensions = payload.extensions as { headers?: Record<string, unknown> } | null | undefined;
          const authorization = authorizationIn(ctx.connectionParams) ?? authorizationIn(extensions?.headers);
          const { schema, execute, subscribe, contextFactory, parse, validate } = deps.yoga.getEnveloped({
            ...ctx,
            request: operationRequest,
            req: ctx.extra.request,
            connectionParams: authorization === undefined ? {} : { authorization },
            params: payload,
          });
          let document;
          try {
            document = parse(payload.query);
          } catch (error) {
            return [error as never];
          }
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          let contextValue: GraphQLContext;
          try {
            contextValue = (await contextFactory()) as GraphQLContext;
          } catch (error) {
            // e.g. the token was revoked after the connection was made; yoga has already masked it
            if (isGraphQLErrorLike(error)) return [withoutHttp(error)];
            log.error({ err: error, requestId }, "could not build the context of a WebSocket operation");
            return [new GraphQLError("Unexpected error.", { extensions: { code: "INTERNAL_SERVER_ERROR", requestId } })];
          }
          const viewer = contextValue.viewer;
          if (viewer && !attribute(connection, viewer.tokenId)) {
            close(ctx, WS_CLOSE.tooMany, tooManyConnections);
            return [new GraphQLError(tooManyConnections, { extensions: { code: "LIMIT_EXCEEDED" } })];
          }
          return {
            schema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue,
            rootValue: { execute, subscribe, requestId },
          };
        });
      },
      onClose: (ctx) => {
        const connection = connections.get(ctx);
        if (connection) release(connection);
      },
    },
    wss,
  );
  // ws has already closed the socket (1009 for an oversized message); graphql-ws would print
  // each such error to stderr, which any stranger could then fill.
  wss.on("connection", (socket) => {
    socket.removeAllListeners("error");
    socket.on("error", (err) => log.debug({ reason: err.message }, "WebSocket closed on a protocol error"));
  });
  return {
    async close() {
      await disposable.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
