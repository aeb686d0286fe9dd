import type { Config } from "../config";

/**
 * The console's policy: its own scripts, styles and API only (graphql-ws included: 'self' covers
 * ws: on the same host), images also from the object store when that lives elsewhere.
 */
export function contentSecurityPolicy(imageSources: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${["'self'", ...imageSources].join(" ")}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Origins the snapshot URLs of this configuration point at. The fs store signs URLs on PUBLIC_URL,
 * else on the listener's own address, which a browser on `localhost` does not count as 'self'.
 */
export function imageSourcesOf(config: Pick<Config, "storage" | "publicUrl">, listenerUrl: string): string[] {
  if (config.storage.driver === "fs") return [new URL(config.publicUrl ?? listenerUrl).origin];
  const endpoint = config.storage.endpoint;
  if (!endpoint) return ["https://*.amazonaws.com"];
  const url = new URL(endpoint);
  // Virtual-hosted style puts the bucket in front of the endpoint's host.
  return config.storage.forcePathStyle ? [url.origin] : [url.origin, `${url.protocol}//*.${url.host}`];
}
