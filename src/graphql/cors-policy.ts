import type { CORSOptions } from "graphql-yoga";

/**
 * Cross-origin calls only from the listed exact origins, with credentials; any other origin
 * gets no CORS header at all, so a browser keeps the answer from it (same-origin use needs none).
 */
export function corsPolicy(allowed: readonly string[]): (request: Request) => CORSOptions {
  const origins = new Set(allowed);
  return (request) => {
    const origin = request.headers.get("origin");
    if (origin === null || !origins.has(origin)) return false;
    return {
      origin: [origin],
      credentials: true,
      methods: ["GET", "POST", "OPTIONS"],
      exposedHeaders: ["x-request-id", "retry-after"],
      maxAge: 600,
    };
  };
}
