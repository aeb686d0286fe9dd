import { describe, expect, it } from "vitest";
import { isLoopbackHost, metricsExposure } from "../src/metrics-exposure";
import { startTestApp } from "./support/app";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";

describe("metrics exposure rule", () => {
  it("prefers a listener of its own, then the token, then loopback only", () => {
    const listener = { host: "127.0.0.1", port: 9464 };
    expect(metricsExposure({ token: undefined, listener }, "0.0.0.0")).toEqual({ on: "own-listener", ...listener, token: undefined });
    expect(metricsExposure({ token: "t", listener: undefined }, "0.0.0.0")).toEqual({ on: "main-listener", token: "t" });
    expect(metricsExposure({ token: undefined, listener: undefined }, "127.0.0.1")).toEqual({ on: "main-listener", token: undefined });
    expect(metricsExposure({ token: undefined, listener: undefined }, "0.0.0.0")).toEqual({ on: "nowhere" });
    expect(metricsExposure({ token: undefined, listener: undefined }, "10.1.2.3")).toEqual({ on: "nowhere" });
    expect(["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(["0.0.0.0", "::", "192.168.1.2", "localhost.example.com", "1127.0.0.1"].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });
});

describe("/metrics", () => {
  it("needs Authorization: Bearer METRICS_TOKEN when one is set", async () => {
    const t = await startTestApp({ METRICS_TOKEN });
    try {
      const anonymous = await fetch(`${t.app.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
      expect(await anonymous.text()).not.toContain("livesnap_");
      expect((await fetch(`${t.app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
      expect((await fetch(`${t.app.url}/metrics`, { headers: { authorization: METRICS_TOKEN } })).status).toBe(401);
      const scraped = await fetch(`${t.app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain("livesnap_snapshots_recorded_total");
    } finally {
      await t.stop();
    }
  });

  it("is served only on its own listener when METRICS_PORT is set", async () => {
    const t = await startTestApp({ METRICS_HOST: "127.0.0.1", METRICS_PORT: "0" });
    try {
      expect(t.app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(t.app.metricsUrl).not.toBe(t.app.url);
      expect((await fetch(`${t.app.url}/metrics`)).status).toBe(404);
      const scraped = await fetch(`${t.app.metricsUrl}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain("livesnap_captured_streams");
      // Nothing else is on that listener.
      expect((await fetch(`${t.app.metricsUrl}/graphql`)).status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});
