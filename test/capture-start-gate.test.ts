import { describe, expect, it } from "vitest";
import { StartGate } from "../src/capture/start-gate";

describe("StartGate", () => {
  it("lets `limit` starts run at once and queues the rest in order", async () => {
    const gate = new StartGate(2);
    const order: string[] = [];
    const a = await gate.acquire(() => false);
    const b = await gate.acquire(() => false);
    const c = gate.acquire(() => false).then((release) => (order.push("c"), release));
    const d = gate.acquire(() => false).then((release) => (order.push("d"), release));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    expect(gate.queued).toBe(2);
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    expect(order).toEqual(["c"]);
    expect(gate.queued).toBe(1);
    b();
    (await d)();
    releaseC();
    expect(order).toEqual(["c", "d"]);
    expect(gate.queued).toBe(0);
  });

  it("skips a waiter that was cancelled and hands its turn to the next", async () => {
    const gate = new StartGate(1);
    const first = await gate.acquire(() => false);
    let cancelled = false;
    let cancelledGranted = false;
    void gate.acquire(() => cancelled).then(() => (cancelledGranted = true));
    const next = gate.acquire(() => false);
    cancelled = true;
    first();
    const release = await next;
    expect(cancelledGranted).toBe(false);
    release();
    expect(gate.queued).toBe(0);
  });

  it("refuses a limit below one", () => {
    expect(() => new StartGate(0)).toThrow(/positive integer/);
  });
});
