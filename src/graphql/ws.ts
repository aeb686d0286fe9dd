import type { Server } from "node:http";
import { GraphQLError, type ExecutionArgs } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Database } from "../db/client";
import { authenticate } from "../domain/api-tokens";
import type { Logger } from "../logger";
import { GRAPHQL_PATH, isGraphQLErrorLike, type GraphQLServer } from "./yoga";

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

/**
 * graphql-ws on the HTTP server's port and path, run through yoga's envelop so that context,
 * auth, limits and error masking are the same as over HTTP. The connection is refused (4403)
 * without a valid token; each operation authenticates again, so a revoked token cannot start one.
 */
export function attachGraphQLWebSocket(deps: { server: Server; yoga: GraphQLServer; db: Database; logger: Logger }) {
  const log = deps.logger.child({ module: "graphql-ws" });
  const wss = new WebSocketServer({ server: deps.server, path: GRAPHQL_PATH });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onConnect: async (ctx) => {
        const value = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const match = typeof value === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
        const viewer = match ? await authenticate(deps.db, match[1]!) : null;
        if (!viewer) log.debug("WebSocket connection without a valid token refused");
        return viewer !== null;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = deps.yoga.getEnveloped({
          ...ctx,
          request: new Request(`http://localhost${GRAPHQL_PATH}`, {
            headers: { authorization: String(ctx.connectionParams?.authorization ?? "") },
          }),
          connectionParams: ctx.connectionParams,
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
