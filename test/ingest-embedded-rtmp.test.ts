import { createServer } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEmbeddedRtmpServer } from "../src/ingest/embedded-rtmp";
import { silentLogger } from "../src/logger";
import { loadConfig } from "../src/config";
import { MetricsRegistry } from "../src/metrics";
import { DEFAULT_DOMAIN, startEmbeddedIngest, type StartedIngest } from "./support/embedded-rtmp";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { pushWithGstreamer } from "./support/gst-push";
import { grabFrame, pushWithTcUrl, runFfmpeg } from "./support/ingest-ffmpeg";
import { RecordingLifecycle } from "./support/ingest-lifecycle";

const started: StartedIngest[] = [];
const pushes: Push[] = [];

afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
  await Promise.all(started.splice(0).map((s) => s.server.stop()));
  vi.restoreAllMocks();
});

async function startServer(lifecycle: RecordingLifecycle, logger = silentLogger()) {
  const ingest = await startEmbeddedIngest(lifecycle, { logger });
  started.push(ingest);
  return ingest;
}

function push(url: string, durationSeconds?: number): Push {
  const p = pushTestStream({ url, width: 320, height: 180, fps: 15, durationSeconds });
  pushes.push(p);
  return p;
}

function gstPush(port: number, app: string, stream: string): Push {
  const p = pushWithGstreamer({ target: { port, app, stream } });
  pushes.push(p);
  return p;
}

function exitWithin(p: Push, ms: number): Promise<number | null | "still running"> {
  return Promise.race([p.exited, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms))]);
}

/** Plays a URL as a stranger would; resolves with ffmpeg's exit code. */
async function play(url: string): Promise<number | null> {
  return (await runFfmpeg(["-i", url, "-frames:v", "1", "-f", "null", "-"], 15_000)).code;
}

describe("embedded RTMP ingest", () => {
  it("reports a publish under its domain-qualified path, and the unpublish once", async () => {
    const lifecycle = new RecordingLifecycle();
    const { server } = await startServer(lifecycle);
    const publisher = push(`rtmp://localhost:${server.port}/live/cam1?token=x`);

    const { signal } = await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    const pullUrl = `rtmp://127.0.0.1:${server.port}/localhost/live/cam1`;
    expect(signal).toEqual({
      source: "embedded",
      domain: "localhost",
      app: "live",
      stream: "cam1",
      pullUrl,
      captureUrl: expect.stringMatching(new RegExp(`^${pullUrl.replace(/[.?/]/g, "\\$&")}\\?capture=[\\w-]{43}$`)),
      tags: expect.objectContaining({ subscribe: expect.any(Function) }),
      clientId: expect.any(String),
      query: expect.any(URLSearchParams),
    });
    expect(signal.query.get("token")).toBe("x");
    const frame = await grabFrame(signal.captureUrl!);
    expect(frame.length).toBeGreaterThan(1000);
    expect(lifecycle.of("unpublished")).toEqual([]);

    await publisher.stop();
    const left = Date.now();
    const ended = await lifecycle.waitFor((e) => e.kind === "unpublished", 5_000);
    expect(ended.at - left).toBeLessThan(3_000);
    expect(ended.signal).toEqual(signal);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published", "unpublished"]);
  });

  it("refuses and counts every play but capture's, while capture reads the same stream", async () => {
    const lifecycle = new RecordingLifecycle();
    const ingest = await startServer(lifecycle);
    const port = ingest.server.port;
    push(`rtmp://localhost:${port}/live/cam1`);
    const { signal } = await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    const token = new URL(signal.captureUrl!).searchParams.get("capture")!;

    const strangers = [
      `rtmp://127.0.0.1:${port}/live/cam1`, // the path the publisher pushed to
      signal.pullUrl, // the qualified path, without a token
      `${signal.pullUrl}?capture=${token.slice(0, -2)}xx`, // a forged token
      `rtmp://127.0.0.1:${port}/push.default.test/live/cam1?capture=${token}`, // another path's token
    ];
    for (const url of strangers) expect(await play(url), url).not.toBe(0);
    expect(ingest.metric("livesnap_rtmp_refused_total", { reason: "play_unauthorized" })).toBe(strangers.length);

    expect((await grabFrame(signal.captureUrl!)).length).toBeGreaterThan(1000);
    expect(ingest.metric("livesnap_rtmp_refused_total", { reason: "play_unauthorized" })).toBe(strangers.length);
  });

  it("keeps two push domains' live/cam1 apart: both publish at once (ffmpeg and GStreamer), each is read back", async () => {
    const lifecycle = new RecordingLifecycle();
    const { server } = await startServer(lifecycle);
    push(`rtmp://localhost:${server.port}/live/cam1`);
    gstPush(server.port, "live", "cam1?vhost=push.b.test");
    const a = await lifecycle.waitFor((e) => e.signal.domain === "localhost", 15_000);
    const b = await lifecycle.waitFor((e) => e.signal.domain === "push.b.test", 15_000);
    expect([a.signal.app, a.signal.stream, b.signal.app, b.signal.stream]).toEqual(["live", "cam1", "live", "cam1"]);
    expect(a.signal.pullUrl).toBe(`rtmp://127.0.0.1:${server.port}/localhost/live/cam1`);
    expect(b.signal.pullUrl).toBe(`rtmp://127.0.0.1:${server.port}/push.b.test/live/cam1`);

    // testsrc2 and the bouncing ball are different pictures: each path serves its own publisher.
    const [fromA, fromB] = await Promise.all([grabFrame(a.signal.captureUrl!), grabFrame(b.signal.captureUrl!)]);
    expect(fromA.equals(fromB)).toBe(false);
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published", "published"]);
  });

  it("uses the default push domain for an IP host and the tcUrl host otherwise", async () => {
    const lifecycle = new RecordingLifecycle();
    const { server } = await startServer(lifecycle);
    push(`rtmp://127.0.0.1:${server.port}/live/by-ip`);
    const named = pushWithTcUrl(
      `rtmp://127.0.0.1:${server.port}/live/by-name`,
      `rtmp://Push.Example.com:${server.port}/live`,
      2,
    );
    const byIp = await lifecycle.waitFor((e) => e.signal.stream === "by-ip", 10_000);
    const byName = await lifecycle.waitFor((e) => e.signal.stream === "by-name", 10_000);
    expect(byIp.signal.domain).toBe(DEFAULT_DOMAIN);
    expect(byName.signal.domain).toBe("push.example.com");
    await named;
  });

  it("closes a publish whose name is invalid without telling the lifecycle, and counts it", async () => {
    const lifecycle = new RecordingLifecycle();
    const ingest = await startServer(lifecycle);
    const refused = push(`rtmp://127.0.0.1:${ingest.server.port}/live/${"x".repeat(129)}`, 20);
    const code = await exitWithin(refused, 10_000);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(lifecycle.events).toEqual([]);
    expect(ingest.metric("livesnap_rtmp_refused_total", { reason: "invalid_name" })).toBe(1);
  });

  it("accepts the names livesnap allows that node-media-server alone would refuse (dots, tildes)", async () => {
    const lifecycle = new RecordingLifecycle();
    const { server } = await startServer(lifecycle);
    push(`rtmp://localhost:${server.port}/live.v2/cam~1.hd`);
    const { signal } = await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    expect([signal.app, signal.stream]).toEqual(["live.v2", "cam~1.hd"]);
    expect((await grabFrame(signal.captureUrl!)).length).toBeGreaterThan(1000);
  });

  it("refuses a second publisher (GStreamer) of a live stream, logs why, and keeps serving the first", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const lifecycle = new RecordingLifecycle();
    const ingest = await startServer(lifecycle, pino({ level: "warn" }, sink));
    const port = ingest.server.port;
    const first = push(`rtmp://127.0.0.1:${port}/live/cam6`);
    const { signal } = await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    const second = gstPush(port, "live", "cam6");
    const code = await exitWithin(second, 15_000);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published"]);
    expect(ingest.metric("livesnap_rtmp_refused_total", { reason: "already_live" })).toBe(1);
    const refusal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reason === "already_live");
    expect(refusal).toMatchObject({ domain: DEFAULT_DOMAIN, app: "live", stream: "cam6", msg: expect.stringContaining("already live") });

    expect(first.process.exitCode).toBeNull();
    expect((await grabFrame(signal.captureUrl!)).length).toBeGreaterThan(1000);
  });

  it("closes a publish the lifecycle refuses, and counts it under the lifecycle's reason", async () => {
    const lifecycle = new RecordingLifecycle();
    lifecycle.decide = () => ({ accepted: false, reason: "auth_invalid", message: "auth_key does not match" });
    const ingest = await startServer(lifecycle);
    const refused = push(`rtmp://127.0.0.1:${ingest.server.port}/live/cam7`, 20);
    const code = await exitWithin(refused, 10_000);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published"]);
    expect(ingest.metric("livesnap_rtmp_refused_total", { reason: "auth_invalid" })).toBe(1);
  });

  it("survives a client whose tcUrl is not a URL, and keeps accepting publishes", async () => {
    const lifecycle = new RecordingLifecycle();
    const ingest = await startServer(lifecycle);
    const { server } = ingest;
    const broken = await pushWithTcUrl(`rtmp://127.0.0.1:${server.port}/live/cam2`, "not a url", 2);
    expect(broken.code).not.toBe(0);
    expect(lifecycle.events).toEqual([]);
    expect(ingest.metric("livesnap_rtmp_refused_total", { reason: "protocol_error" })).toBe(1);
    push(`rtmp://127.0.0.1:${server.port}/live/cam3`);
    await lifecycle.waitFor((e) => e.kind === "published" && e.signal.stream === "cam3", 10_000);
  });

  it("fails to start with a clear message when the port is taken, and stop() frees the port", async () => {
    const lifecycle = new RecordingLifecycle();
    const first = (await startServer(lifecycle)).server;
    const second = createEmbeddedRtmpServer({
      host: "127.0.0.1",
      port: first.port,
      defaultPushDomain: DEFAULT_DOMAIN,
      lifecycle,
      logger: silentLogger(),
      limits: loadConfig({}).rtmpLimits,
      metrics: new MetricsRegistry(),
    });
    await expect(second.start()).rejects.toThrow(`127.0.0.1:${first.port}: the port is already in use`);

    await first.stop();
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(first.port, "127.0.0.1", () => resolve());
    });
    await new Promise((resolve) => probe.close(resolve));
  });

  it("ends live sessions on stop() and has reported them unpublished when it resolves", async () => {
    const lifecycle = new RecordingLifecycle();
    const ingest = await startServer(lifecycle);
    const publisher = push(`rtmp://127.0.0.1:${ingest.server.port}/live/cam4`);
    await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    expect(ingest.metric("livesnap_rtmp_connections")).toBe(1);

    await ingest.server.stop();
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published", "unpublished"]);
    expect(ingest.metric("livesnap_rtmp_connections")).toBe(0);
    const code = await exitWithin(publisher, 5_000);
    expect(code).not.toBe("still running");
  });

  it("routes node-media-server's logging into our logger instead of the console", async () => {
    const console = vi.spyOn(globalThis.console, "log");
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const lifecycle = new RecordingLifecycle();
    const { server } = await startServer(lifecycle, pino({ level: "trace" }, sink));
    push(`rtmp://127.0.0.1:${server.port}/live/cam5`);
    await lifecycle.waitFor((e) => e.kind === "published", 10_000);

    expect(console).not.toHaveBeenCalled();
    expect(lines.some((l) => l.includes('"component":"node-media-server"') && l.includes(`start push /${DEFAULT_DOMAIN}/live/cam5`))).toBe(true);
  });
});
