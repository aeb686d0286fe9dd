import { afterAll, beforeAll, describe, it } from "vitest";
import type { FrozenTemplate } from "../src/db/schema/live-streams";
import { createCaptureEngine, type CaptureEngineOptions } from "../src/capture/engine";
import { readImageInfo } from "../src/capture/image-info";
import type { CapturedImage } from "../src/capture/types";
import { createLogger, silentLogger } from "../src/logger";
import { pushTestStream, type PushOptions } from "./support/ffmpeg-push";
import { startTestRtmpServer, type TestRtmpServer } from "./support/capture-rtmp-server";
import { checkedPid, isAlive, killPid } from "./support/process-alive";

// The tests run concurrently against one media server so the suite takes about as long as its
// slowest scenario; each one pushes its own stream. Intervals are 5 s, the smallest a template allows.

function template(overrides: Partial<FrozenTemplate> = {}): FrozenTemplate {
  return {
    id: "tpl",
    name: "tpl",
    format: "JPG",
    intervalSeconds: 5,
    width: null,
    height: null,
    fillMode: "STRETCH",
    storageMode: "SEQUENCE",
    bucket: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function gapsSeconds(images: CapturedImage[]): number[] {
  return images.slice(1).map((image, i) => (image.capturedAt.getTime() - (images[i]?.capturedAt.getTime() ?? 0)) / 1000);
}

describe.concurrent("capture engine against a real RTMP server", () => {
  let server: TestRtmpServer;
  beforeAll(async () => {
    server = await startTestRtmpServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  type Cleanup = (fn: () => Promise<void>) => void;

  /** Starts a push and an engine, both stopped when the test ends. */
  async function setUp(
    onTestFinished: Cleanup,
    stream: string,
    push: Partial<PushOptions>,
    engine: Partial<CaptureEngineOptions> = {},
  ) {
    const pusher = pushTestStream({ url: server.url("live", stream), width: 640, height: 360, fps: 15, gop: 30, audio: true, ...push });
    onTestFinished(async () => {
      await pusher.stop();
    });
    const images: CapturedImage[] = [];
    const capture = createCaptureEngine({
      ffmpegPath: "ffmpeg",
      logger: process.env.CAPTURE_DEBUG ? createLogger("debug") : silentLogger(),
      restartInitialDelayMs: 200,
      onImage: (image) => {
        images.push(image);
      },
      ...engine,
    });
    onTestFinished(() => capture.stopAll());
    await server.waitForKeyframe("live", stream);
    return { capture, images, url: server.url("live", stream) };
  }

  it("captures JPG at the template interval and exact size", async ({ expect, onTestFinished }) => {
    const received: number[] = [];
    const { capture, images, url } = await setUp(onTestFinished, "jpg", { gop: 30 }, {
      onImage: (image) => {
        received.push(Date.now());
        images.push(image);
      },
    });
    capture.start({ liveStreamId: "jpg", pullUrl: url, template: template({ width: 320, height: 240, fillMode: "PAD_BLACK" }) });
    await waitFor("four images", () => images.length >= 4, 35_000);
    for (const [i, image] of images.entries()) {
      expect(image.liveStreamId).toBe("jpg");
      expect(readImageInfo(image.data)).toEqual({ format: "JPG", width: 320, height: 240 });
      expect(image).toMatchObject({ format: "JPG", width: 320, height: 240 });
      expect(Math.abs((received[i] ?? 0) - image.capturedAt.getTime())).toBeLessThan(500);
    }
    // A 2 s GOP: keyframes-only spacing is the interval rounded up to a keyframe. The first gap
    // starts at the cached keyframe, delivered after the startup lag, so it is left out.
    for (const gap of gapsSeconds(images.slice(1))) {
      expect(gap).toBeGreaterThan(5 - 2 - 0.5);
      expect(gap).toBeLessThan(5 + 2 + 0.5);
    }
  }, 45_000);

  it("captures PNG with the other side following the source aspect ratio, the first at once", async ({ expect, onTestFinished }) => {
    // A 20 s interval separates "first image at once" from "first image held back until the
    // next one is encoded" (frame-threaded encoders do that) by many seconds, even on a busy machine.
    const { capture, images, url } = await setUp(onTestFinished, "png", {});
    const startedAt = Date.now();
    capture.start({ liveStreamId: "png", pullUrl: url, template: template({ format: "PNG", intervalSeconds: 20, width: 320, fillMode: "PAD_WHITE" }) });
    await waitFor("two images", () => images.length >= 2, 40_000);
    expect((images[0]?.capturedAt.getTime() ?? Infinity) - startedAt).toBeLessThan(10_000);
    for (const image of images) {
      expect(readImageInfo(image.data)).toEqual({ format: "PNG", width: 320, height: 180 });
    }
    // The first image is the server's cached keyframe, up to a GOP old, delivered after the
    // startup lag: only the upper bound of the first gap is meaningful.
    expect(gapsSeconds(images)[0]).toBeLessThan(20 + 2 + 0.5);
  }, 45_000);

  it("resumes capturing after its ffmpeg is killed", async ({ expect, onTestFinished }) => {
    const { capture, images, url } = await setUp(onTestFinished, "killed", {});
    capture.start({ liveStreamId: "killed", pullUrl: url, template: template() });
    await waitFor("a first image", () => images.length >= 1, 20_000);
    // Between a restart's exit and its spawn there is no pid; wait for a running ffmpeg.
    await waitFor("a running ffmpeg", () => capture.inspect("killed")?.pid !== undefined, 10_000);
    const pid = checkedPid(capture.inspect("killed")?.pid);
    expect(isAlive(pid)).toBe(true);
    killPid(pid, "SIGKILL");
    const killedAt = Date.now();
    await waitFor("an image after the kill", () => images.some((image) => image.capturedAt.getTime() > killedAt), 25_000);
    const state = capture.inspect("killed");
    expect(state?.pid).not.toBe(pid);
    expect(state?.restarts).toBeGreaterThanOrEqual(1);
    expect(isAlive(pid)).toBe(false);
  });

  it("falls back to full decoding when the GOP is longer than the interval", async ({ expect, onTestFinished }) => {
    // 10 s GOP, 5 s interval: keyframes alone would give one image every 10 s.
    // A shorter silence margin than the default only makes the switch come sooner.
    const { capture, images, url } = await setUp(onTestFinished, "long-gop", { gop: 150 }, { silenceMarginMs: 1500 });
    capture.start({ liveStreamId: "long-gop", pullUrl: url, template: template() });
    await waitFor("full decoding", () => capture.inspect("long-gop")?.keyframesOnly === false, 25_000);
    const switchedAt = Date.now();
    await waitFor("four images after the switch", () => images.filter((i) => i.capturedAt.getTime() > switchedAt).length >= 4, 30_000);
    // The restarted ffmpeg replays the server's cached GOP first; from the second image on the
    // spacing is the interval.
    const afterSwitch = images.filter((i) => i.capturedAt.getTime() > switchedAt).slice(1);
    for (const gap of gapsSeconds(afterSwitch)) {
      expect(gap).toBeGreaterThan(4);
      expect(gap).toBeLessThan(6.5);
    }
  }, 45_000);

  it("stop() ends ffmpeg and no image arrives afterwards", async ({ expect, onTestFinished }) => {
    const { capture, images, url } = await setUp(onTestFinished, "stopped", {});
    capture.start({ liveStreamId: "stopped", pullUrl: url, template: template() });
    await waitFor("a first image", () => images.length >= 1, 20_000);
    await waitFor("a running ffmpeg", () => capture.inspect("stopped")?.pid !== undefined, 10_000);
    const pid = checkedPid(capture.inspect("stopped")?.pid);
    await capture.stop("stopped");
    expect(isAlive(pid)).toBe(false);
    expect(capture.active()).toEqual([]);
    const count = images.length;
    await sleep(7000);
    expect(images.length).toBe(count);
  });

  it("a stream whose handler hangs does not delay another stream", async ({ expect, onTestFinished }) => {
    const hungCalls: CapturedImage[] = [];
    const { capture, images, url } = await setUp(onTestFinished, "healthy", {}, {
      onImage: (image) => {
        if (image.liveStreamId === "hung") {
          hungCalls.push(image);
          return new Promise<void>(() => {});
        }
        images.push(image);
      },
    });
    const hungPush = pushTestStream({ url: server.url("live", "hung"), width: 320, height: 180, fps: 15, gop: 30, audio: true });
    onTestFinished(async () => {
      await hungPush.stop();
    });
    await server.waitForKeyframe("live", "hung");
    capture.start({ liveStreamId: "hung", pullUrl: server.url("live", "hung"), template: template() });
    capture.start({ liveStreamId: "healthy", pullUrl: url, template: template() });
    await waitFor("three healthy images", () => images.length >= 3, 30_000);
    expect(hungCalls).toHaveLength(1);
    for (const gap of gapsSeconds(images)) expect(gap).toBeLessThan(7.5);
    const stopping = Date.now();
    await capture.stopAll();
    expect(Date.now() - stopping).toBeLessThan(5000);
  });

  it("starts one ffmpeg at a time when only one start slot is allowed, and captures both", async ({ expect, onTestFinished }) => {
    const { capture, images, url } = await setUp(onTestFinished, "gated-a", {}, { maxConcurrentStarts: 1 });
    const second = pushTestStream({ url: server.url("live", "gated-b"), width: 320, height: 180, fps: 15, gop: 30, audio: true });
    onTestFinished(async () => {
      await second.stop();
    });
    await server.waitForKeyframe("live", "gated-b");
    capture.start({ liveStreamId: "gated-a", pullUrl: url, template: template() });
    capture.start({ liveStreamId: "gated-b", pullUrl: server.url("live", "gated-b"), template: template() });
    await waitFor("the first stream's ffmpeg", () => capture.inspect("gated-a")?.pid !== undefined, 2_000);
    expect(capture.inspect("gated-b")).toMatchObject({ queued: true, pid: undefined });
    await waitFor("the first stream's first image", () => images.some((i) => i.liveStreamId === "gated-a"), 20_000);
    await waitFor("the second stream's ffmpeg", () => capture.inspect("gated-b")?.pid !== undefined, 5_000);
    await waitFor("the second stream's first image", () => images.some((i) => i.liveStreamId === "gated-b"), 20_000);
    const firstA = images.find((i) => i.liveStreamId === "gated-a")!;
    const firstB = images.find((i) => i.liveStreamId === "gated-b")!;
    expect(firstB.capturedAt.getTime()).toBeGreaterThanOrEqual(firstA.capturedAt.getTime());
  });
});
