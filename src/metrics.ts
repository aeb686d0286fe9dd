import { createHash, timingSafeEqual } from "node:crypto";
import type { Route } from "./http-server";
import { pathOf } from "./http-server";

export type MetricType = "counter" | "gauge";
export type Labels = Record<string, string>;

interface Family {
  help: string;
  type: MetricType;
  /** Current samples, read at scrape time. */
  collect(): { labels: Labels; value: number }[];
}

/** A counter with optional labels, kept in memory by the module that counts. */
export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  samples(): { labels: Labels; value: number }[] {
    return [...this.values.values()];
  }
}

/**
 * Every metric livesnap exposes, registered by the module that owns it; the route renders them
 * in the Prometheus text format. Names are unique; registering one twice is a programming error.
 */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string): Counter {
    const counter = new Counter();
    this.register(name, { help, type: "counter", collect: () => counter.samples() });
    return counter;
  }

  /** A value read when scraped (queue length, streams owned). */
  gauge(name: string, help: string, read: () => number | { labels: Labels; value: number }[]): void {
    this.register(name, {
      help,
      type: "gauge",
      collect: () => {
        const value = read();
        return typeof value === "number" ? [{ labels: {}, value }] : value;
      },
    });
  }

  /** A counter whose value another object keeps (read when scraped). */
  counterFrom(name: string, help: string, read: () => number): void {
    this.register(name, { help, type: "counter", collect: () => [{ labels: {}, value: read() }] });
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      const samples = family.collect();
      // A counter without labels reads 0 before its first increment, so dashboards see it exists.
      if (samples.length === 0 && family.type === "counter") lines.push(`${name} 0`);
      for (const sample of samples) lines.push(`${name}${renderLabels(sample.labels)} ${sample.value}`);
    }
    lines.push("");
    return lines.join("\n");
  }

  private register(name: string, family: Family): void {
    if (this.families.has(name)) throw new Error(`metric ${name} is registered twice`);
    this.families.set(name, family);
  }
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function renderLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return "";
  const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
  return `{${entries.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
}

/**
 * GET /metrics in the Prometheus text format: what an operator watches to see capture is healthy.
 * With a token, only `Authorization: Bearer <token>` gets them; anything else is 401.
 */
export function metricsRoute(registry: MetricsRegistry, options: { token?: string | undefined } = {}): Route {
  const expected = options.token === undefined ? null : digest(`Bearer ${options.token}`);
  return (req, res) => {
    if (pathOf(req) !== "/metrics" || req.method !== "GET") return false;
    if (expected && !timingSafeEqual(expected, digest(req.headers.authorization ?? ""))) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' });
      res.end("metrics need Authorization: Bearer <METRICS_TOKEN>\n");
      return true;
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end(registry.render());
    return true;
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();
