import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnapshotRow } from "../src/db/schema";
import { issueTokenForAccount } from "../src/domain/api-tokens";
import type { Viewer } from "../src/domain/viewer";
import { subscriptionGroupKey } from "../src/graphql/use-shared-subscription-results";
import { startTestApp, type TestApp } from "./support/app";
import { openAcknowledged, type RawGraphQLSocket } from "./support/raw-ws";

const ALL = "subscription { snapshotCreated { id streamName url urlExpiresAt } }";
const FILTERED = "subscription Cams($stream: String) { snapshotCreated(stream: $stream) { id streamName url urlExpiresAt } }";
const KEYS = "subscription { snapshotCreated { id key } }";

function snapshotOf(accountId: string, streamName: string): SnapshotRow {
  return {
    id: randomUUID(), accountId, liveStreamId: null, templateId: null, domain: "shared.example", appName: "live", streamName,
    sourceId: "src", bucket: "livesnap", key: `snapshot/shared/live/${streamName}.jpg`, format: "JPG", width: 8, height: 8, bytes: 1,
    capturedAt: new Date(),
  };
}

describe("subscription group keys", () => {
  const viewer: Viewer = { tokenId: "t1", accountId: "a1", role: "READER", operator: false };

  it("are equal for tokens of one account and role, whatever the token", () => {
    expect(subscriptionGroupKey(viewer, null, {})).toBe(subscriptionGroupKey({ ...viewer, tokenId: "t2" }, undefined, undefined));
  });

  it("differ by account, role, operator, operation and variables", () => {
    const base = subscriptionGroupKey(viewer, null, { stream: "cam" });
    for (const other of [
      subscriptionGroupKey({ ...viewer, accountId: "a2" }, null, { stream: "cam" }),
      subscriptionGroupKey({ ...viewer, role: "ADMIN" }, null, { stream: "cam" }),
      subscriptionGroupKey({ ...viewer, operator: true }, null, { stream: "cam" }),
      subscriptionGroupKey(viewer, "Cams", { stream: "cam" }),
      subscriptionGroupKey(viewer, null, { stream: "other" }),
      subscriptionGroupKey(viewer, null, {}),
    ]) {
      expect(other).not.toBe(base);
    }
  });
});

describe("one execution per event for identical subscriptions", () => {
  let t: TestApp;
  let accountA: string;
  let accountB: string;
  const sockets: RawGraphQLSocket[] = [];
  const subscribers: Record<"sameA1" | "sameA2" | "filtered" | "otherDocument" | "otherAccount", RawGraphQLSocket> = {} as never;

  async function counters(): Promise<{ executed: number; shared: number }> {
    const text = await (await fetch(`${t.app.url}/metrics`)).text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? Number.NaN);
    return { executed: read("livesnap_subscription_executions_total"), shared: read("livesnap_subscription_results_shared_total") };
  }

  const nextFor = (s: RawGraphQLSocket, snapshotId: string) =>
    s.message((m) => m.type === "next" && JSON.stringify(m.payload).includes(snapshotId));

  const received = (s: RawGraphQLSocket, snapshotId: string) =>
    s.messages.some((m) => m.type === "next" && JSON.stringify(m.payload).includes(snapshotId));

  /** A subscription is registered some time after its subscribe message: probe until each has an event. */
  async function untilListening(accountId: string, listeners: RawGraphQLSocket[]) {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const probe = snapshotOf(accountId, "cam");
      await t.app.bus.publishSnapshotCreated(probe);
      const all = Promise.all(listeners.map((s) => nextFor(s, probe.id)));
      const got = await Promise.race([all.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 300))]);
      all.catch(() => {});
      if (got) return;
    }
    throw new Error("subscriptions did not start listening");
  }

  beforeAll(async () => {
    t = await startTestApp();
    const a1 = await issueTokenForAccount(t.app.database.db, "shared-a", "READER");
    const a2 = await issueTokenForAccount(t.app.database.db, "shared-a", "READER");
    const b = await issueTokenForAccount(t.app.database.db, "shared-b", "READER");
    accountA = a1.apiToken.accountId;
    accountB = b.apiToken.accountId;
    expect(a2.apiToken.accountId).toBe(accountA);
    const open = async (token: string, query: string, variables?: Record<string, unknown>) => {
      const s = await openAcknowledged(t.app.url, token);
      sockets.push(s);
      s.send({ id: "1", type: "subscribe", payload: { query, variables } });
      return s;
    };
    subscribers.sameA1 = await open(a1.token, ALL);
    subscribers.sameA2 = await open(a2.token, ALL);
    subscribers.filtered = await open(a1.token, FILTERED, { stream: "cam" });
    subscribers.otherDocument = await open(a1.token, KEYS);
    subscribers.otherAccount = await open(b.token, ALL);
    await untilListening(accountA, [subscribers.sameA1, subscribers.sameA2, subscribers.filtered, subscribers.otherDocument]);
    await untilListening(accountB, [subscribers.otherAccount]);
  });
  afterAll(async () => {
    for (const s of sockets) s.socket.close();
    await Promise.all(sockets.map((s) => s.closed));
    await t.stop();
  });

  it("hands two subscribers of one account and document the same payload from one execution", async () => {
    const before = await counters();
    const event = snapshotOf(accountA, "cam");
    await t.app.bus.publishSnapshotCreated(event);
    const [a1, a2, filtered, otherDocument] = await Promise.all(
      [subscribers.sameA1, subscribers.sameA2, subscribers.filtered, subscribers.otherDocument].map((s) => nextFor(s, event.id)),
    );
    expect(a1!.payload).toMatchObject({ data: { snapshotCreated: { id: event.id, streamName: "cam", url: expect.any(String) } } });
    expect(a2!.payload).toEqual(a1!.payload);
    expect(filtered!.payload).toMatchObject({ data: { snapshotCreated: { id: event.id, streamName: "cam" } } });
    expect(otherDocument!.payload).toEqual({ data: { snapshotCreated: { id: event.id, key: event.key } } });
    // Three groups: the plain document, the filtered one (other variables), the other document.
    expect(await counters()).toEqual({ executed: before.executed + 3, shared: before.shared + 1 });
  });

  it("keeps filters and accounts apart", async () => {
    const before = await counters();
    const otherStream = snapshotOf(accountA, "other");
    const ofB = snapshotOf(accountB, "cam");
    const last = snapshotOf(accountA, "cam");
    await t.app.bus.publishSnapshotCreated(otherStream);
    await t.app.bus.publishSnapshotCreated(ofB);
    await t.app.bus.publishSnapshotCreated(last);
    for (const s of [subscribers.sameA1, subscribers.sameA2, subscribers.filtered, subscribers.otherDocument]) await nextFor(s, last.id);
    const b = await nextFor(subscribers.otherAccount, ofB.id);
    expect(b.payload).toMatchObject({ data: { snapshotCreated: { id: ofB.id } } });
    // Events arrive in order on each subscription, so by the last one anything wrongly sent has arrived.
    for (const s of [subscribers.sameA1, subscribers.sameA2, subscribers.otherDocument]) {
      expect(received(s, otherStream.id)).toBe(true);
      expect(received(s, ofB.id)).toBe(false);
    }
    expect(received(subscribers.filtered, otherStream.id)).toBe(false);
    expect(received(subscribers.filtered, ofB.id)).toBe(false);
    expect(received(subscribers.otherAccount, otherStream.id) || received(subscribers.otherAccount, last.id)).toBe(false);
    // otherStream: 2 groups (plain, other document); ofB: 1; last: 3, as in the first test.
    expect(await counters()).toEqual({ executed: before.executed + 6, shared: before.shared + 2 });
  });

  it("refuses a variable of the wrong type before any event, naming it", async () => {
    const token = (await issueTokenForAccount(t.app.database.db, "shared-a", "READER")).token;
    const s = await openAcknowledged(t.app.url, token);
    sockets.push(s);
    s.send({ id: "bad", type: "subscribe", payload: { query: FILTERED, variables: { stream: 5 } } });
    const refused = await s.message((m) => m.id === "bad" && m.type === "next");
    expect(refused.payload).toMatchObject({ errors: [{ extensions: { code: "BAD_USER_INPUT", field: "stream" } }] });
    await s.message((m) => m.id === "bad" && m.type === "complete");
  });
});
