import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../src/rate-limiter";
import { PerTokenCount } from "../src/graphql/per-token-count";
import { startTestApp, type TestApp } from "./support/app";
import { openRawSocket } from "./support/raw-ws";

describe("rate limiter", () => {
  it("allows a burst, then answers how long to wait, refilling at the given rate", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perMinute: 6 }, 100, () => now);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([0, 0, 0]);
    expect(limiter.take("a")).toBe(10);
    expect(limiter.take("b")).toBe(0);
    now += 5_000;
    expect(limiter.take("a")).toBe(5);
    now += 5_000;
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(10);
    now += 3_600_000;
    // Refilled to the burst, never beyond it.
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([0, 0, 0, 10]);
  });

  it("keeps a bounded table under many keys, dropping the least recently used", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 1, perMinute: 1 }, 1000, () => now);
    limiter.take("busy");
    for (let i = 0; i < 100_000; i++) {
      now += 0.1;
      limiter.take(`10.0.${i >> 8}.${i & 255}`);
      if (i % 500 === 0) expect(limiter.take("busy")).toBeGreaterThan(0);
    }
    expect(limiter.size).toBe(1000);
    // A key used recently is kept; its refusal goes on.
    expect(limiter.take("busy")).toBeGreaterThan(0);
  });
});

describe("per-token count", () => {
  it("caps each token on its own and forgets tokens holding nothing", () => {
    const count = new PerTokenCount(2);
    expect([count.tryAdd("t"), count.tryAdd("t"), count.tryAdd("t")]).toEqual([true, true, false]);
    expect(count.tryAdd("u")).toBe(true);
    count.remove("t");
    expect([count.held("t"), count.tryAdd("t"), count.tryAdd("t")]).toEqual([1, true, false]);
    count.remove("t");
    count.remove("t");
    count.remove("u");
    expect(count.tokens).toBe(0);
  });
});

const post = (url: string, token: string) =>
  fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ snapshotTemplates { edges { cursor } } }" }),
  });

interface Answer {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number; http?: unknown } }[];
}

describe("failed authentications per client address", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_FAILURE_BURST: "5", AUTH_FAILURES_PER_MINUTE: "2" });
  });
  afterAll(() => t.stop());

  it("answers 429 with Retry-After after a burst of bad tokens, while a good token still works", async () => {
    const good = await t.token("rate-good");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await post(t.app.url, `lsk_wrong-token-${i}-000000000000000000`);
      statuses.push(response.status);
      expect(((await response.json()) as Answer).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const limited = await post(t.app.url, "lsk_wrong-token-again-000000000000000");
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    const body = (await limited.json()) as Answer;
    expect(body.errors).toEqual([
      {
        message: `too many failed authentications from this address; retry in ${retryAfter} s`,
        extensions: { code: "RATE_LIMITED", retryAfterSeconds: retryAfter },
      },
    ]);

    const ok = await post(t.app.url, good);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { snapshotTemplates: { edges: [] } } });

    // Over WebSocket the refusal is a close with the reason.
    const socket = await openRawSocket(t.app.url);
    socket.send({ type: "connection_init", payload: { authorization: "Bearer lsk_wrong-token-ws-0000000000000000" } });
    const closed = await socket.closed;
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/^too many failed authentications from this address; retry in \d+ s$/);

    const metrics = await (await fetch(`${t.app.url}/metrics`)).text();
    expect(Number(/^livesnap_rate_limited_total\{reason="auth_failures"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
  });
});

describe("requests per token", () => {
  it("are not limited by default", async () => {
    const t = await startTestApp();
    try {
      const token = await t.token("unlimited");
      const statuses = await Promise.all(Array.from({ length: 40 }, () => post(t.app.url, token).then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([200]));
    } finally {
      await t.stop();
    }
  });

  it("answer 429 RATE_LIMITED past RATE_LIMIT_BURST, for that token only", async () => {
    const t = await startTestApp({ RATE_LIMIT_REQUESTS_PER_MINUTE: "6", RATE_LIMIT_BURST: "3" });
    try {
      const busy = await t.token("busy");
      const calm = await t.token("calm");
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(t.app.url, busy)).status);
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await post(t.app.url, busy);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBe(10);
      expect(((await limited.json()) as Answer).errors![0]).toEqual({
        message: "too many requests with this token; retry in 10 s",
        extensions: { code: "RATE_LIMITED", retryAfterSeconds: 10 },
      });
      expect((await post(t.app.url, calm)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
