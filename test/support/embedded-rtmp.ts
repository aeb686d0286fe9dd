import { loadConfig } from "../../src/config";
import { createEmbeddedRtmpServer, type EmbeddedRtmpServer, type RtmpLimits } from "../../src/ingest/embedded-rtmp";
import type { Logger } from "../../src/logger";
import { silentLogger } from "../../src/logger";
import { MetricsRegistry } from "../../src/metrics";
import type { RecordingLifecycle } from "./ingest-lifecycle";

export const DEFAULT_DOMAIN = "push.default.test";

export interface StartedIngest {
  server: EmbeddedRtmpServer;
  metrics: MetricsRegistry;
  /** A sample of /metrics, e.g. metric("livesnap_rtmp_refused_total", { reason: "chunk_size" }); 0 when absent. */
  metric(name: string, labels?: Record<string, string>): number;
}

/** The embedded ingest alone on a free port, with the configured limits unless a test overrides some. */
export async function startEmbeddedIngest(
  lifecycle: RecordingLifecycle,
  options: { logger?: Logger; limits?: Partial<RtmpLimits> } = {},
): Promise<StartedIngest> {
  const metrics = new MetricsRegistry();
  const server = createEmbeddedRtmpServer({
    host: "127.0.0.1",
    port: 0,
    defaultPushDomain: DEFAULT_DOMAIN,
    lifecycle,
    logger: options.logger ?? silentLogger(),
    limits: { ...loadConfig({}).rtmpLimits, ...options.limits },
    metrics,
  });
  await server.start();
  return { server, metrics, metric: (name, labels = {}) => sample(metrics.render(), name, labels) };
}

/** The value of one sample in Prometheus text, 0 when it is absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const rendered = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");
  const prefix = rendered === "" ? `${name} ` : `${name}{${rendered}} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}
