import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "../src/metrics";

describe("metrics registry", () => {
  it("renders counters with labels, gauges read at scrape time, and unlabelled counters as 0 before use", () => {
    const registry = new MetricsRegistry();
    const refusals = registry.counter("livesnap_test_refusals_total", "Refusals by reason.");
    const idle = registry.counter("livesnap_test_idle_total", "Never incremented.");
    let queue = 3;
    registry.gauge("livesnap_test_queue", "Queue length.", () => queue);
    refusals.inc({ reason: "auth_expired" });
    refusals.inc({ reason: "auth_expired" });
    refusals.inc({ reason: 'we"ird\n' });
    queue = 7;
    const text = registry.render();
    expect(text).toContain('livesnap_test_refusals_total{reason="auth_expired"} 2');
    expect(text).toContain('livesnap_test_refusals_total{reason="we\\"ird\\n"} 1');
    expect(text).toContain("livesnap_test_idle_total 0");
    expect(text).toContain("# TYPE livesnap_test_queue gauge\nlivesnap_test_queue 7");
    expect(idle.get()).toBe(0);
    expect(refusals.get({ reason: "auth_expired" })).toBe(2);
  });

  it("refuses a name registered twice", () => {
    const registry = new MetricsRegistry();
    registry.counter("livesnap_dup_total", "one");
    expect(() => registry.counter("livesnap_dup_total", "two")).toThrow(/registered twice/);
  });
});
