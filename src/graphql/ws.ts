import type { Server } from "node:http";
import { GraphQLError, type ExecutionArgs } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { TokenAuthenticator } from "../domain/api-tokens";
import type { Logger } from "../logger";
import { GRAPHQL_PATH, isGraphQLErrorLike, type GraphQLServer } from "./yoga";

/** The authorization value of connection params or of an operation's extensions.headers. */
function authorizationIn(params: Readonly<Record<string, unknown>> | null | undefined): unknown {
  const value = params?.authorization ?? params?.Authorization;
  return value === "" || value === null ? undefined : value;
}

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

/**
 * graphql-ws on the HTTP server's port and path, run through yoga's envelop so that context,
 * auth, limits and error masking are the same as over HTTP. A connection whose params carry an
 * invalid token is refused (4403); each operation authenticates again, with the connection's
 * token or one in its `extensions.headers` (GraphiQL's way), so a revoked token cannot start one.
 */
export function attachGraphQLWebSocket(deps: {
  server: Server;
  yoga: GraphQLServer;
  logger: Logger;
  tokens: TokenAuthenticator;
}) {
  const log = deps.logger.child({ module: "graphql-ws" });
  const wss = new WebSocketServer({ server: deps.server, path: GRAPHQL_PATH });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: async (ctx) => {
        const value = authorizationIn(ctx.connectionParams);
        // Without a token the connection may still carry per-operation tokens, as GraphiQL sends them.
        if (value === undefined) return true;
        const match = typeof value === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
        const viewer = match ? await deps.tokens.authenticate(match[1]!) : null;
        if (!viewer) log.debug("WebSocket connection with an invalid token refused");
        return viewer !== null;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const extensions = payload.extensions as { headers?: Record<string, unknown> } | null | undefined;
        const authorization = authorizationIn(ctx.connectionParams) ?? authorizationIn(extensions?.headers);
        const { schema, execute, subscribe, contextFactory, parse, validate } = deps.yoga.getEnveloped({
          ...ctx,
          request: new Request(`http://localhost${GRAPHQL_PATH}`),
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
        let contextValue;
        try {
          contextValue = await contextFactory();
        } catch (error) {
          // e.g. the token was revoked after the connection was made; yoga has already masked it
          if (isGraphQLErrorLike(error)) return [error];
          log.error({ err: error }, "could not build the context of a WebSocket operation");
          return [new GraphQLError("Unexpected error.", { extensions: { code: "INTERNAL_SERVER_ERROR" } })];
        }
        return {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );
  return {
    async close() {
      await disposable.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
