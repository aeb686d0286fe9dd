import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import type { RtmpLimits } from "../src/ingest/embedded-rtmp";
import { startEmbeddedIngest, type StartedIngest } from "./support/embedded-rtmp";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { heldBufferBytes } from "./support/gc";
import { RecordingLifecycle } from "./support/ingest-lifecycle";
import { RawRtmpClient, TYPE_INVOKE, TYPE_VIDEO } from "./support/raw-rtmp-client";

const started: StartedIngest[] = [];
const clients: RawRtmpClient[] = [];
const pushes: Push[] = [];
const MiB = 1024 * 1024;

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
  await Promise.all(started.splice(0).map((s) => s.server.stop()));
});

async function startServer(limits: Partial<RtmpLimits>, lifecycle = new RecordingLifecycle()) {
  const ingest = await startEmbeddedIngest(lifecycle, { limits });
  started.push(ingest);
  return { ...ingest, lifecycle, port: ingest.server.port };
}

async function open(port: number, localAddress?: string): Promise<RawRtmpClient> {
  const client = await RawRtmpClient.open(port, localAddress);
  clients.push(client);
  return client;
}

const refused = (ingest: StartedIngest, reason: string) => ingest.metric("livesnap_rtmp_refused_total", { reason });
const timedOut = (ingest: StartedIngest, phase: string) => ingest.metric("livesnap_rtmp_timeouts_total", { phase });

/** A video message that node-media-server parses as an AVC inter frame. */
function videoPayload(bytes: number): Buffer {
  const payload = Buffer.alloc(bytes);
  payload[0] = 0x27;
  payload[1] = 0x01;
  return payload;
}

describe("embedded RTMP ingest limits", () => {
  it("closes a connection that sends nothing, or half a handshake, at the handshake deadline", async () => {
    const ingest = await startServer({ handshakeTimeoutMs: 1_000, publishTimeoutMs: 5_000 });
    const openedAt = Date.now();
    const silent = await open(ingest.port);
    const half = await open(ingest.port);
    half.socket.write(Buffer.alloc(700, 3));
    const closedAt = await Promise.all([silent.closed, half.closed]);
    for (const at of closedAt) {
      expect(at - openedAt).toBeGreaterThanOrEqual(950);
      expect(at - openedAt).toBeLessThan(3_000);
    }
    expect(timedOut(ingest, "handshake")).toBe(2);
    expect(timedOut(ingest, "publish")).toBe(0);
    await expectEventually(() => ingest.metric("livesnap_rtmp_connections") === 0);
  });

  it("closes a connection that completes the handshake but never publishes at the publish deadline", async () => {
    const ingest = await startServer({ handshakeTimeoutMs: 1_000, publishTimeoutMs: 3_000 });
    const openedAt = Date.now();
    const client = await open(ingest.port);
    await client.handshake();
    client.command({ cmd: "connect", transId: 1, cmdObj: { app: "live", tcUrl: `rtmp://127.0.0.1:${ingest.port}/live` } });
    const closedAt = await client.closed;
    expect(closedAt - openedAt).toBeGreaterThanOrEqual(2_950);
    expect(closedAt - openedAt).toBeLessThan(5_000);
    expect(timedOut(ingest, "publish")).toBe(1);
    expect(timedOut(ingest, "handshake")).toBe(0);
  });

  it("cuts a publisher that goes quiet at the idle deadline, and reports its unpublish", async () => {
    const ingest = await startServer({ publishTimeoutMs: 2_000, idleTimeoutMs: 1_500 });
    const client = await open(ingest.port);
    await client.handshake();
    client.publish("live", "quiet", ingest.port);
    const published = await ingest.lifecycle.waitFor((e) => e.kind === "published", 5_000);
    const unpublished = await ingest.lifecycle.waitFor((e) => e.kind === "unpublished", 6_000);
    // The publish deadline no longer applies once published; only the idle one does.
    expect(unpublished.at - published.at).toBeGreaterThanOrEqual(1_450);
    expect(timedOut(ingest, "idle")).toBe(1);
    expect(timedOut(ingest, "publish")).toBe(0);
  });

  it("refuses at accept the connection beyond the per-address cap, and the one beyond the overall cap", async () => {
    const ingest = await startServer({ maxConnectionsPerAddress: 3, maxConnections: 5 });
    const fromOne = await Promise.all([1, 2, 3].map(() => open(ingest.port, "127.0.0.1")));
    const fourth = await open(ingest.port, "127.0.0.1");
    expect(await fourth.closedWithin(2_000)).toBe(true);
    expect(refused(ingest, "address_limit")).toBe(1);

    const fromTwo = await Promise.all([1, 2].map(() => open(ingest.port, "127.0.0.2")));
    const overall = await open(ingest.port, "127.0.0.3");
    expect(await overall.closedWithin(2_000)).toBe(true);
    expect(refused(ingest, "total_limit")).toBe(1);
    for (const client of [...fromOne, ...fromTwo]) expect(await client.closedWithin(0)).toBe(false);
    expect(ingest.metric("livesnap_rtmp_connections")).toBe(5);

    // A closed connection frees its place.
    fromOne[0]!.destroy();
    await fromOne[0]!.closed;
    await expectEventually(() => ingest.metric("livesnap_rtmp_connections") === 4);
    const again = await open(ingest.port, "127.0.0.1");
    expect(await again.closedWithin(500)).toBe(false);
  });

  it("does not count capture's reads against the per-address cap once they play", async () => {
    const ingest = await startServer({ maxConnectionsPerAddress: 2 });
    const publisher = pushTestStream({ url: `rtmp://127.0.0.1:${ingest.port}/live/capped`, width: 320, height: 180, fps: 15 });
    pushes.push(publisher);
    const { signal } = await ingest.lifecycle.waitFor((e) => e.kind === "published", 10_000);
    const reader = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-i", signal.captureUrl!, "-t", "20", "-f", "null", "-"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = new Promise((resolve) => reader.once("exit", resolve));
    try {
      // ffmpeg prints the input's description once the play is answered and media flows.
      await new Promise<void>((resolve, reject) => {
        let seen = "";
        reader.stderr.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes("Input #0")) resolve();
        });
        reader.once("exit", () => reject(new Error(`capture read ended: ${seen}`)));
      });
      expect(ingest.metric("livesnap_rtmp_connections")).toBe(2);
      const second = await open(ingest.port);
      expect(await second.closedWithin(500)).toBe(false);
      const third = await open(ingest.port);
      expect(await third.closedWithin(2_000)).toBe(true);
      expect(refused(ingest, "address_limit")).toBe(1);
    } finally {
      reader.kill("SIGKILL");
      await exited;
    }
  });

  it("refuses a SetChunkSize above the limit or outside RTMP's range, and takes a usual one", async () => {
    const ingest = await startServer({ maxChunkSize: 65_536 });
    for (const size of [65_537, 0x80000000, 0]) {
      const client = await open(ingest.port);
      await client.handshake();
      client.setChunkSize(size);
      expect(await client.closedWithin(3_000), `chunk size ${size}`).toBe(true);
    }
    expect(refused(ingest, "chunk_size")).toBe(3);

    const usual = await open(ingest.port);
    await usual.handshake();
    usual.setChunkSize(4096);
    usual.publish("live", "chunked", ingest.port);
    await ingest.lifecycle.waitFor((e) => e.kind === "published", 5_000);
    expect(await usual.closedWithin(0)).toBe(false);
  });

  it("holds little memory for a connection that has only handshaken", async () => {
    const ingest = await startServer({});
    const before = (await heldBufferBytes());
    const idle = await Promise.all(Array.from({ length: 24 }, () => open(ingest.port)));
    await Promise.all(idle.map((client) => client.handshake()));
    expect(ingest.metric("livesnap_rtmp_connections")).toBe(24);
    expect((await heldBufferBytes()) - before).toBeLessThan(24 * 128 * 1024);
  });

  it("refuses messages announced beyond the limits before allocating them, so strangers cannot make the process grow", async () => {
    const ingest = await startServer({ maxMessageBytes: 8 * MiB });
    const before = (await heldBufferBytes());
    const strangers = await Promise.all(Array.from({ length: 24 }, () => open(ingest.port)));
    await Promise.all(strangers.map((client) => client.handshake()));
    // node-media-server alone would allocate 16 MiB for each of these and wait for the bytes.
    strangers.forEach((client, i) => client.announce(3, i % 2 === 0 ? TYPE_INVOKE : TYPE_VIDEO, 16 * MiB - 1));
    const closed = await Promise.all(strangers.map((client) => client.closedWithin(5_000)));
    expect(closed.every(Boolean)).toBe(true);
    expect(refused(ingest, "message_size")).toBe(24);
    expect((await heldBufferBytes()) - before).toBeLessThan(16 * MiB);
  });

  it("holds a connection to small buffers and few chunk streams until its publish is accepted", async () => {
    const ingest = await startServer({});
    const spread = await open(ingest.port);
    await spread.handshake();
    // Five 60 KiB messages begun side by side: each fits the command limit, together they exceed 256 KiB.
    for (let cid = 4; cid < 9; cid += 1) spread.announce(cid, 18, 60 * 1024);
    expect(await spread.closedWithin(3_000)).toBe(true);
    expect(refused(ingest, "buffer_limit")).toBe(1);

    const early = await open(ingest.port);
    await early.handshake();
    early.announce(6, TYPE_VIDEO, 100 * 1024);
    expect(await early.closedWithin(3_000)).toBe(true);
    expect(refused(ingest, "message_size")).toBe(1);

    const many = await open(ingest.port);
    await many.handshake();
    const ack = Buffer.from([0, 0, 0x10, 0]);
    for (let cid = 3; cid < 40; cid += 1) many.message(cid, 5, ack);
    expect(await many.closedWithin(3_000)).toBe(true);
    expect(refused(ingest, "chunk_streams")).toBe(1);
  });

  it("lets an accepted publisher send media up to RTMP_MAX_MESSAGE_BYTES and refuses a larger message", async () => {
    const ingest = await startServer({ maxMessageBytes: 256 * 1024 });
    const client = await open(ingest.port);
    await client.handshake();
    client.setChunkSize(4096);
    client.publish("live", "big", ingest.port);
    await ingest.lifecycle.waitFor((e) => e.kind === "published", 5_000);
    await client.waitForText("NetStream.Publish.Start", 5_000);
    client.message(6, TYPE_VIDEO, videoPayload(250 * 1024), 1);
    expect(await client.closedWithin(1_000)).toBe(false);
    // Commands stay small even then.
    client.announce(3, TYPE_INVOKE, 70 * 1024);
    expect(await client.closedWithin(3_000)).toBe(true);
    expect(refused(ingest, "message_size")).toBe(1);

    const larger = await open(ingest.port);
    await larger.handshake();
    larger.publish("live", "bigger", ingest.port);
    await ingest.lifecycle.waitFor((e) => e.kind === "published" && e.signal.stream === "bigger", 5_000);
    await larger.waitForText("NetStream.Publish.Start", 5_000);
    larger.announce(6, TYPE_VIDEO, 256 * 1024 + 1);
    expect(await larger.closedWithin(3_000)).toBe(true);
    expect(refused(ingest, "message_size")).toBe(2);
  });

  it("survives random bytes after the handshake within its buffer bounds, and still takes publishes", async () => {
    const ingest = await startServer({});
    const random = seededRandom(20261201);
    const before = (await heldBufferBytes());
    const fuzzers = await Promise.all(Array.from({ length: 40 }, () => open(ingest.port)));
    await Promise.all(fuzzers.map((client) => client.handshake()));
    fuzzers.forEach((client, i) => {
      const bytes = Buffer.alloc(16 * 1024);
      for (let at = 0; at < bytes.length; at += 1) bytes[at] = Math.floor(random() * 256);
      // Half of them start with a plausible chunk header, so the parser gets past the first byte's cases.
      if (i % 2 === 0) bytes.set([0x03, 0, 0, 0, bytes[4]! & 0x01, bytes[5]!, bytes[6]!, 20, 0, 0, 0, 0]);
      client.socket.write(bytes);
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Each connection may hold at most 256 KiB before a publish is accepted.
    expect((await heldBufferBytes()) - before).toBeLessThan(40 * 256 * 1024);
    const refusals = ["protocol_error", "message_size", "buffer_limit", "chunk_streams", "chunk_size"].map((r) => refused(ingest, r));
    expect(refusals.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const client = await open(ingest.port);
    await client.handshake();
    client.publish("live", "after-fuzz", ingest.port);
    await ingest.lifecycle.waitFor((e) => e.kind === "published" && e.signal.stream === "after-fuzz", 5_000);
  });

  it("reads nothing more from a publisher until the lifecycle has decided", async () => {
    const lifecycle = new RecordingLifecycle();
    let decide: () => void = () => {};
    lifecycle.decide = () => new Promise((resolve) => (decide = () => resolve({ accepted: true })));
    const ingest = await startServer({ maxMessageBytes: 256 * 1024 }, lifecycle);
    const client = await open(ingest.port);
    await client.handshake();
    client.publish("live", "pending", ingest.port);
    await client.waitForText("NetStream.Publish.Start", 5_000);
    await lifecycle.waitFor((e) => e.kind === "published", 5_000);
    // Too large for a publish not yet accepted; had it been read now, it would have been refused.
    client.message(6, TYPE_VIDEO, videoPayload(100 * 1024), 1);
    expect(await client.closedWithin(1_000)).toBe(false);
    decide();
    expect(await client.closedWithin(1_000)).toBe(false);
    expect(refused(ingest, "message_size")).toBe(0);
  });

  it("allows one publish or play per connection", async () => {
    const ingest = await startServer({});
    const client = await open(ingest.port);
    await client.handshake();
    client.publish("live", "once", ingest.port);
    await ingest.lifecycle.waitFor((e) => e.kind === "published", 5_000);
    client.command({ cmd: "createStream", transId: 4, cmdObj: null });
    client.command({ cmd: "publish", transId: 5, cmdObj: null, streamName: "twice", type: "live" }, 2);
    expect(await client.closedWithin(3_000)).toBe(true);
    expect(refused(ingest, "second_command")).toBe(1);
    expect(ingest.lifecycle.of("published").map((s) => s.stream)).toEqual(["once"]);
  });
});

/** mulberry32: the same bytes on every run, so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function expectEventually(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
