import { createServer } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEmbeddedRtmpServer, type EmbeddedRtmpServer } from "../src/ingest/embedded-rtmp";
import { silentLogger } from "../src/logger";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { grabFrame, pushWithTcUrl } from "./support/ingest-ffmpeg";
import { RecordingLifecycle } from "./support/ingest-lifecycle";

const DEFAULT_DOMAIN = "push.default.test";
const started: EmbeddedRtmpServer[] = [];
const pushes: Push[] = [];

afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
  await Promise.all(started.splice(0).map((s) => s.stop()));
  vi.restoreAllMocks();
});

async function startServer(lifecycle: RecordingLifecycle, logger = silentLogger()) {
  const server = createEmbeddedRtmpServer({ host: "127.0.0.1", port: 0, defaultPushDomain: DEFAULT_DOMAIN, lifecycle, logger });
  await server.start();
  started.push(server);
  return server;
}

function push(url: string, durationSeconds?: number): Push {
  const p = pushTestStream({ url, width: 320, height: 180, fps: 15, durationSeconds });
  pushes.push(p);
  return p;
}

describe("embedded RTMP ingest", () => {
  it("reports a publish with domain localhost and a pull URL capture can read, then the unpublish once", async () => {
    const lifecycle = new RecordingLifecycle();
    const server = await startServer(lifecycle);
    const publisher = push(`rtmp://localhost:${server.port}/live/cam1?token=x`);

    const { signal } = await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    expect(signal).toEqual({
      source: "embedded",
      domain: "localhost",
      app: "live",
      stream: "cam1",
      pullUrl: `rtmp://127.0.0.1:${server.port}/live/cam1`,
      clientId: expect.any(String),
      query: expect.any(URLSearchParams),
    });
    expect(signal.query.get("token")).toBe("x");
    const frame = await grabFrame(signal.pullUrl);
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

  it("uses the default push domain for an IP host and the tcUrl host otherwise", async () => {
    const lifecycle = new RecordingLifecycle();
    const server = await startServer(lifecycle);
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

  it("closes a publish whose name is invalid without telling the lifecycle", async () => {
    const lifecycle = new RecordingLifecycle();
    const server = await startServer(lifecycle);
    const refused = push(`rtmp://127.0.0.1:${server.port}/live/${"x".repeat(129)}`, 20);
    const code = await Promise.race([refused.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 10_000))]);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(lifecycle.events).toEqual([]);
  });

  it("refuses a second publisher on a live stream without reporting it", async () => {
    const lifecycle = new RecordingLifecycle();
    const server = await startServer(lifecycle);
    push(`rtmp://127.0.0.1:${server.port}/live/cam6`);
    await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    const second = push(`rtmp://127.0.0.1:${server.port}/live/cam6`, 20);
    const code = await Promise.race([second.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 10_000))]);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published"]);
  });

  it("survives a client whose tcUrl is not a URL, and keeps accepting publishes", async () => {
    const lifecycle = new RecordingLifecycle();
    const server = await startServer(lifecycle);
    const broken = await pushWithTcUrl(`rtmp://127.0.0.1:${server.port}/live/cam2`, "not a url", 2);
    expect(broken.code).not.toBe(0);
    expect(lifecycle.events).toEqual([]);
    push(`rtmp://127.0.0.1:${server.port}/live/cam3`);
    await lifecycle.waitFor((e) => e.kind === "published" && e.signal.stream === "cam3", 10_000);
  });

  it("fails to start with a clear message when the port is taken, and stop() frees the port", async () => {
    const lifecycle = new RecordingLifecycle();
    const first = await startServer(lifecycle);
    const second = createEmbeddedRtmpServer({
      host: "127.0.0.1",
      port: first.port,
      defaultPushDomain: DEFAULT_DOMAIN,
      lifecycle,
      logger: silentLogger(),
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
    const server = await startServer(lifecycle);
    const publisher = push(`rtmp://127.0.0.1:${server.port}/live/cam4`);
    await lifecycle.waitFor((e) => e.kind === "published", 10_000);

    await server.stop();
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published", "unpublished"]);
    const code = await Promise.race([publisher.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 5_000))]);
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
    const server = await startServer(lifecycle, pino({ level: "trace" }, sink));
    push(`rtmp://127.0.0.1:${server.port}/live/cam5`);
    await lifecycle.waitFor((e) => e.kind === "published", 10_000);

    expect(console).not.toHaveBeenCalled();
    expect(lines.some((l) => l.includes('"component":"node-media-server"') && l.includes("start push /live/cam5"))).toBe(true);
  });
});
