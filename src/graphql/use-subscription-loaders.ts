import type { Plugin } from "graphql-yoga";
import type { Database } from "../db/client";
import type { GraphQLContext, GraphQLServices } from "./context";
import { createLoaders } from "./loaders";

export interface SubscriptionLoadersOptions {
  db: Database;
  services: GraphQLServices;
}

/**
 * Gives every subscription, over WebSocket or Server-Sent Events, loaders that keep nothing
 * from one event to the next; a long-lived subscription's memory then stays flat.
 */
export function useSubscriptionLoaders(options: SubscriptionLoadersOptions): Plugin<GraphQLContext> {
  return {
    onSubscribe({ extendContext }) {
      extendContext({ loaders: createLoaders(options.db, options.services, "subscription") });
    },
  };
}
