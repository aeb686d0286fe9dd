export interface PullUrlParts {
  domain: string;
  app: string;
  stream: string;
}

const PLACEHOLDER = /\{(domain|app|stream)\}/g;

/**
 * Fills `{domain}`, `{app}` and `{stream}` in a configured pull URL. Values are encoded as
 * URL path segments so a name can never add a path segment or a query to the URL.
 */
export function fillPullUrl(template: string, parts: PullUrlParts): string {
  return template.replace(PLACEHOLDER, (_match, key: keyof PullUrlParts) => encodeURIComponent(parts[key]));
}
