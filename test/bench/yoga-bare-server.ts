/**
 * The reference of the authentication bench: a bare graphql-yoga server with a one-field
 * schema, no context, no plugins, no logging, in a process of its own. Same IPC contract as
 * effective-server.ts: answers { url } once listening, exits on "stop".
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";

const yoga = createYoga({
  schema: createSchema({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "world" } } }),
  graphqlEndpoint: "/graphql",
  logging: false,
  landingPage: false,
  graphiql: false,
});
const server = createServer(yoga);

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}

process.on("message", (message) => {
  if (message === "stop") stop();
});
process.on("disconnect", stop);
process.on("SIGTERM", stop);

server.listen(0, "127.0.0.1", () => {
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
