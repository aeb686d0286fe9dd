import type { Limits } from "../config";
import type { TokenAuthenticator } from "../domain/api-tokens";
import type { Viewer } from "../domain/viewer";
import { rateLimited, unauthenticated } from "../errors";
import { RateLimiter } from "../rate-limiter";

export type LimitedReason = "auth_failures" | "token_requests";

/** Turns an Authorization value into a viewer, for HTTP and WebSocket alike, within the rate limits. */
export interface AuthGuard {
  /**
   * null when no authorization is given; throws UNAUTHENTICATED for a bad one, or RATE_LIMITED
   * once the client address has failed too often (a valid token from it still works) or the
   * token has made too many requests.
   */
  viewerOf(authorization: unknown, clientAddress: string | undefined): Promise<Viewer | null>;
}

export function createAuthGuard(
  tokens: TokenAuthenticator,
  limits: Pick<Limits, "authFailures" | "tokenRequests">,
  onLimited: (reason: LimitedReason) => void = () => {},
): AuthGuard {
  const failures = new RateLimiter(limits.authFailures);
  const requests = limits.tokenRequests ? new RateLimiter(limits.tokenRequests) : null;
  return {
    async viewerOf(authorization, clientAddress) {
      if (authorization === undefined || authorization === null || authorization === "") return null;
      const match = typeof authorization === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
      const viewer = match ? await tokens.authenticate(match[1]!) : null;
      if (!viewer) {
        const wait = clientAddress === undefined ? 0 : failures.take(clientAddress);
        if (wait > 0) {
          onLimited("auth_failures");
          throw rateLimited("too many failed authentications from this address", wait);
        }
        throw unauthenticated(match ? "the API token is unknown or revoked" : 'authorization must be "Bearer <token>"');
      }
      const wait = requests ? requests.take(viewer.tokenId) : 0;
      if (wait > 0) {
        onLimited("token_requests");
        throw rateLimited("too many requests with this token", wait);
      }
      return viewer;
    },
  };
}
