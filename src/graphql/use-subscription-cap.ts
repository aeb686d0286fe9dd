import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "./context";
import { PerTokenCount } from "./per-token-count";

export interface SubscriptionCapOptions {
  /** Open subscriptions one token may hold, over WebSocket and Server-Sent Events together. */
  maxPerToken: number;
}

/**
 * Refuses a token's subscription beyond the cap with LIMIT_EXCEEDED; a subscription stops
 * counting when its stream ends, however it ends (completed, cancelled, connection closed).
 */
export function useSubscriptionCap(options: SubscriptionCapOptions): Plugin<GraphQLContext> {
  const open = new PerTokenCount(options.maxPerToken);
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const viewer = (args.contextValue as GraphQLContext).viewer;
      if (!viewer) return;
      if (!open.tryAdd(viewer.tokenId)) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(`too many subscriptions for this token (at most ${open.cap}); complete one first`, {
              extensions: { code: "LIMIT_EXCEEDED" },
            }),
          ],
        });
        return;
      }
      let counted = true;
      const release = () => {
        if (counted) open.remove(viewer.tokenId);
        counted = false;
      };
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) {
            release();
            return;
          }
          return { onEnd: release };
        },
        onSubscribeError: release,
      };
    },
  };
}
