import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHookHandler } from "../src/ingest/hooks";
import { silentLogger } from "../src/logger";
import { pushTestStream, type Push } from "./support/ffmpeg-push";
import { grabFrame } from "./support/ingest-ffmpeg";
import { startHookServer, type HookServer } from "./support/ingest-hook-server";
import { RecordingLifecycle } from "./support/ingest-lifecycle";
import { startNginxRtmp, type NginxRtmp } from "./support/nginx-rtmp";
import { freePort } from "./support/ports";

const SECRET = "nginx-hook-secret";
const DEFAULT_DOMAIN = "push.default.test";
const lifecycle = new RecordingLifecycle();
const pushes: Push[] = [];
let hooks: HookServer;
let nginx: NginxRtmp;

beforeAll(async () => {
  const rtmpPort = await freePort();
  hooks = await startHookServer(
    createHookHandler({
      secret: SECRET,
      defaultPushDomain: DEFAULT_DOMAIN,
      pullUrls: { nginxRtmp: `rtmp://127.0.0.1:${rtmpPort}/{app}/{stream}`, srs: "unused", mediamtx: "unused" },
      lifecycle,
      logger: silentLogger(),
    }),
  );
  nginx = await startNginxRtmp({ hookUrl: `${hooks.origin}/hooks/nginx-rtmp?secret=${SECRET}`, onDone: true, port: rtmpPort });
});

afterAll(async () => {
  await nginx?.stop();
  await hooks?.close();
});

afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
  lifecycle.events.length = 0;
});

function push(url: string, durationSeconds?: number): Push {
  const p = pushTestStream({ url, width: 320, height: 180, fps: 15, durationSeconds });
  pushes.push(p);
  return p;
}

describe("nginx-rtmp with hooks", () => {
  it("reports a publish with query arguments stripped, serves the pull URL, and reports the end once", async () => {
    const publisher = push(`rtmp://localhost:${nginx.port}/live/cam1?token=x`);
    const { signal } = await lifecycle.waitFor((e) => e.kind === "published", 10_000);
    expect(signal).toEqual({
      source: "nginx-rtmp",
      domain: "localhost",
      app: "live",
      stream: "cam1",
      pullUrl: `rtmp://127.0.0.1:${nginx.port}/live/cam1`,
      clientId: expect.stringMatching(/^\d+$/),
      query: expect.any(URLSearchParams),
    });
    // The stream name's arguments are nginx's form fields after its own: they reach livesnap as the query.
    expect([...signal.query]).toEqual([["token", "x"]]);

    // Capture reads the stream back as a player; nginx then sends on_done for that player too.
    await grabFrame(signal.pullUrl);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lifecycle.of("unpublished")).toEqual([]);

    await publisher.stop();
    const ended = await lifecycle.waitFor((e) => e.kind === "unpublished", 5_000);
    expect(ended.signal).toMatchObject({ domain: "localhost", app: "live", stream: "cam1" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(lifecycle.events.map((e) => e.kind)).toEqual(["published", "unpublished"]);
  });

  it("takes the domain from a vhost argument and uses the default push domain for an IP", async () => {
    push(`rtmp://127.0.0.1:${nginx.port}/live/by-ip`);
    push(`rtmp://127.0.0.1:${nginx.port}/live/by-vhost?vhost=Push.Example.com`);
    const byIp = await lifecycle.waitFor((e) => e.signal.stream === "by-ip", 10_000);
    const byVhost = await lifecycle.waitFor((e) => e.signal.stream === "by-vhost", 10_000);
    expect(byIp.signal.domain).toBe(DEFAULT_DOMAIN);
    expect(byVhost.signal.domain).toBe("push.example.com");
  });

  it("refuses a publish with an invalid stream name", async () => {
    const refused = push(`rtmp://127.0.0.1:${nginx.port}/live/${"x".repeat(129)}`, 20);
    const code = await Promise.race([refused.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 10_000))]);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(lifecycle.events).toEqual([]);
  });

  it("refuses every publish when nginx is configured with a wrong secret", async () => {
    const misconfigured = await startNginxRtmp({ hookUrl: `${hooks.origin}/hooks/nginx-rtmp?secret=wrong` });
    try {
      const refused = push(`rtmp://127.0.0.1:${misconfigured.port}/live/cam9`, 20);
      const code = await Promise.race([refused.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 10_000))]);
      expect(code).not.toBe(0);
      expect(code).not.toBe("still running");
      expect(lifecycle.events).toEqual([]);
    } finally {
      await misconfigured.stop();
    }
  });
});
