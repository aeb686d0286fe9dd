import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnapshotRow } from "../src/db/schema";
import { issueTokenForAccount } from "../src/domain/api-tokens";
import { startTestApp, type TestApp } from "./support/app";
import { openAcknowledged, openRawSocket, type RawGraphQLSocket } from "./support/raw-ws";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap in use once garbage is collected, in MB. */
async function settledHeapMb(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

const SUBSCRIPTION = "subscription { snapshotCreated { id } }";

function snapshotOf(accountId: string): SnapshotRow {
  return {
    id: randomUUID(), accountId, liveStreamId: null, templateId: null, domain: "ws-limits.example", appName: "live", streamName: "cam",
    sourceId: "src", bucket: "livesnap", key: "snapshot/x.jpg", format: "JPG", width: 8, height: 8, bytes: 1, capturedAt: new Date(),
  };
}

describe("WebSocket limits", () => {
  let t: TestApp;
  let token: string;
  let accountId: string;
  beforeAll(async () => {
    t = await startTestApp({ WS_AUTH_TIMEOUT_SECONDS: "1", WS_MAX_CONNECTIONS_PER_TOKEN: "2", MAX_SUBSCRIPTIONS_PER_TOKEN: "3" });
    const issued = await issueTokenForAccount(t.app.database.db, "ws-limits", "ADMIN");
    token = issued.token;
    accountId = issued.apiToken.accountId;
  });
  afterAll(() => t.stop());

  it("closes the socket on a 2 MB message (1009) and keeps serving others", async () => {
    const s = await openAcknowledged(t.app.url, token);
    s.send({ id: "big", type: "subscribe", payload: { query: "{ __typename }", variables: { pad: "x".repeat(2 * 1024 * 1024) } } });
    expect((await s.closed).code).toBe(1009);
    expect(s.messages.some((m) => m.id === "big")).toBe(false);
    const other = await openAcknowledged(t.app.url, token);
    other.send({ id: "q", type: "subscribe", payload: { query: "{ __typename }" } });
    expect((await other.message((m) => m.id === "q" && m.type === "next")).payload).toEqual({ data: { __typename: "Query" } });
    other.socket.close();
    await other.closed;
  });

  it("closes a socket without a valid token that starts no authenticated operation in time (4401)", async () => {
    const started = Date.now();
    const idle = await openAcknowledged(t.app.url, null);
    idle.send({ id: "anon", type: "subscribe", payload: { query: "{ __typename }" } });
    await idle.message((m) => m.id === "anon" && m.type === "complete");
    const closed = await idle.closed;
    expect(closed).toEqual({ code: 4401, reason: "no authenticated operation within 1 s" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    // One authenticated operation (GraphiQL's way, token in the operation) keeps a socket open.
    const graphiql = await openAcknowledged(t.app.url, null);
    graphiql.send({ id: "a", type: "subscribe", payload: { query: "{ __typename }", extensions: { headers: { Authorization: `Bearer ${token}` } } } });
    await graphiql.message((m) => m.id === "a" && m.type === "complete");
    await new Promise((r) => setTimeout(r, 1500));
    graphiql.send({ id: "b", type: "subscribe", payload: { query: "{ __typename }" } });
    expect((await graphiql.message((m) => m.id === "b" && m.type === "next")).payload).toEqual({ data: { __typename: "Query" } });
    graphiql.socket.close();
    await graphiql.closed;
  });

  it("refuses the token's subscription over the cap with LIMIT_EXCEEDED, and takes one again once another completes", async () => {
    const s = await openAcknowledged(t.app.url, token);
    for (const id of ["1", "2", "3", "4"]) s.send({ id, type: "subscribe", payload: { query: SUBSCRIPTION } });
    const refused = await s.message((m) => m.type === "next");
    expect(refused.payload).toEqual({
      errors: [{ message: "too many subscriptions for this token (at most 3); complete one first", extensions: { code: "LIMIT_EXCEEDED" } }],
    });
    const open = ["1", "2", "3", "4"].filter((id) => id !== refused.id);

    // The cap is per token, not per connection.
    const second = await openAcknowledged(t.app.url, token);
    second.send({ id: "x", type: "subscribe", payload: { query: SUBSCRIPTION } });
    expect((await second.message((m) => m.id === "x" && m.type === "next")).payload).toMatchObject({ errors: [{ extensions: { code: "LIMIT_EXCEEDED" } }] });

    s.send({ id: open[0], type: "complete" });
    // A completed subscription no longer counts: the next one is accepted and gets events.
    const deadline = Date.now() + 10_000;
    let accepted = false;
    for (let attempt = 0; !accepted && Date.now() < deadline; attempt++) {
      const id = `y${attempt}`;
      second.send({ id, type: "subscribe", payload: { query: SUBSCRIPTION } });
      const answer = await Promise.race([
        second.message((m) => m.id === id && m.type === "next"),
        new Promise<null>((r) => setTimeout(() => r(null), 300)),
      ]);
      if (answer === null) {
        const snapshot = snapshotOf(accountId);
        await t.app.bus.publishSnapshotCreated(snapshot);
        const next = await second.message((m) => m.id === id && m.type === "next");
        expect(next.payload).toEqual({ data: { snapshotCreated: { id: snapshot.id } } });
        accepted = true;
      }
    }
    expect(accepted).toBe(true);
    s.socket.close();
    second.socket.close();
    await Promise.all([s.closed, second.closed]);
  });

  it("counts Server-Sent Events subscriptions against the same cap, until their request ends", async () => {
    const sse = (signal?: AbortSignal) =>
      fetch(`${t.app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: SUBSCRIPTION }),
        signal,
      });
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const streams = [];
    // Each is counted once its response has started.
    for (const c of controllers) streams.push(await sse(c.signal));
    expect(streams.map((r) => r.status)).toEqual([200, 200, 200]);
    const refused = await sse();
    expect(await refused.text()).toContain('"code":"LIMIT_EXCEEDED"');

    const s = await openAcknowledged(t.app.url, token);
    s.send({ id: "ws", type: "subscribe", payload: { query: SUBSCRIPTION } });
    expect((await s.message((m) => m.id === "ws" && m.type === "next")).payload).toMatchObject({ errors: [{ extensions: { code: "LIMIT_EXCEEDED" } }] });

    controllers[0]!.abort();
    const deadline = Date.now() + 10_000;
    let accepted = false;
    for (let attempt = 0; !accepted && Date.now() < deadline; attempt++) {
      const id = `after-abort-${attempt}`;
      s.send({ id, type: "subscribe", payload: { query: SUBSCRIPTION } });
      const answer = await Promise.race([
        s.message((m) => m.id === id && m.type === "next"),
        new Promise<null>((r) => setTimeout(() => r(null), 300)),
      ]);
      accepted = answer === null;
    }
    expect(accepted).toBe(true);
    for (const c of controllers) c.abort();
    s.socket.close();
    await s.closed;
  });

  it("refuses the token's connection over the cap (4429) and takes one again once another closes", async () => {
    const a = await openAcknowledged(t.app.url, token);
    const b = await openAcknowledged(t.app.url, token);
    const c = await openRawSocket(t.app.url);
    c.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    expect(await c.closed).toEqual({ code: 4429, reason: "too many connections for this token (at most 2)" });
    a.socket.close();
    await a.closed;
    // The server releases the slot when it sees the close; the next connection then gets in.
    const deadline = Date.now() + 10_000;
    let d;
    while (!d && Date.now() < deadline) {
      const attempt = await openRawSocket(t.app.url);
      attempt.send({ type: "connection_init", payload: { authorization: `Bearer ${token}` } });
      const outcome = await Promise.race([attempt.message((m) => m.type === "connection_ack").then(() => "ack"), attempt.closed.then(() => "closed")]);
      if (outcome === "ack") d = attempt;
    }
    expect(d).toBeDefined();
    b.socket.close();
    d!.socket.close();
    await Promise.all([b.closed, d!.closed]);
  });
});

describe("WebSocket memory", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  it("gives back what 1000 subscriptions on one connection held once the connection closes", { timeout: 120_000 }, async () => {
    const issued = await issueTokenForAccount(t.app.database.db, "ws-memory", "ADMIN");
    const count = 1000;
    const answered = (s: RawGraphQLSocket) => new Set(s.messages.filter((m) => m.type === "next").map((m) => m.id));
    // A smaller first round warms up code and caches, so the measured round only shows what subscriptions hold.
    for (const [round, subscriptions] of [["warm-up", 200], ["measured", count]] as const) {
      const before = await settledHeapMb();
      const s = await openAcknowledged(t.app.url, issued.token);
      for (let i = 0; i < subscriptions; i++) {
        s.send({ id: `s${i}`, type: "subscribe", payload: { query: "subscription { snapshotCreated { id url } }" } });
      }
      // Every subscription is open once each has received an event.
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline && answered(s).size < subscriptions) {
        await t.app.bus.publishSnapshotCreated(snapshotOf(issued.apiToken.accountId));
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(answered(s).size).toBe(subscriptions);
      s.messages.length = 0;
      const open = await settledHeapMb();
      s.socket.close();
      await s.closed;
      let after = await settledHeapMb();
      // Closed, the connection must give back nearly all it held (what stays is warm-up noise).
      const kept = (open - before) / 4;
      for (let i = 0; i < 20 && after - before > kept; i++) {
        await new Promise((r) => setTimeout(r, 250));
        after = await settledHeapMb();
      }
      if (round === "measured") {
        console.log(`heap: before ${before.toFixed(1)} MB, ${count} subscriptions open ${open.toFixed(1)} MB, after close ${after.toFixed(1)} MB`);
        expect(open - before).toBeGreaterThan(5);
        expect(after - before).toBeLessThan(kept);
      }
    }
  });
});
