/** Where /metrics is answered, from METRICS_TOKEN, METRICS_HOST/METRICS_PORT and HOST. */
export type MetricsExposure =
  | { on: "own-listener"; host: string; port: number; token: string | undefined }
  | { on: "main-listener"; token: string | undefined }
  | { on: "nowhere" };

/**
 * The totals of every account are not for strangers: a listener of its own wins, then the bearer
 * token; with neither, only a loopback main listener serves them (nobody else can reach it).
 */
export function metricsExposure(
  metrics: { token: string | undefined; listener: { host: string; port: number } | undefined },
  mainHost: string,
): MetricsExposure {
  if (metrics.listener) return { on: "own-listener", ...metrics.listener, token: metrics.token };
  if (metrics.token) return { on: "main-listener", token: metrics.token };
  return isLoopbackHost(mainHost) ? { on: "main-listener", token: undefined } : { on: "nowhere" };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
