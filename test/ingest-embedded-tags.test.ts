import Context from "node-media-server/src/core/context.js";
import { afterEach, describe, expect, it } from "vitest";
import type { StreamSignal } from "../src/ingest/types";
import { PublishTags } from "../src/ingest/publish-tags";
import type { TagListener, VideoTag } from "../src/media/types";
import { startEmbeddedIngest, type StartedIngest } from "./support/embedded-rtmp";
import { pushTestStream, type Push, type PushOptions } from "./support/ffmpeg-push";
import { pushWithGstreamer } from "./support/gst-push";
import { grabFrame } from "./support/ingest-ffmpeg";
import { RecordingLifecycle } from "./support/ingest-lifecycle";
import { RawRtmpClient } from "./support/raw-rtmp-client";

const started: StartedIngest[] = [];
const pushes: Push[] = [];

afterEach(async () => {
  await Promise.all(pushes.splice(0).map((p) => p.stop()));
  await Promise.all(started.splice(0).map((s) => s.server.stop()));
});

interface Seen {
  timestamp: number;
  /** Wall clock at delivery. */
  at: number;
  size: number;
  /** The first bytes: frame type / codec id, AVC packet type. */
  head: Buffer;
  /** A copy of the whole tag, for sequence headers only. */
  config: Buffer | undefined;
}

/** A TagListener that keeps what it was given (copies: tag data is only valid during the call). */
class TagRecorder implements TagListener {
  readonly tags: Seen[] = [];
  readonly ends: string[] = [];
  private waiters: (() => void)[] = [];

  onVideo(tag: VideoTag): void {
    const config = isAvcSequenceHeader(tag.data) ? Buffer.from(tag.data) : undefined;
    this.tags.push({ timestamp: tag.timestamp, at: Date.now(), size: tag.data.length, head: Buffer.from(tag.data.subarray(0, 2)), config });
    this.wake();
  }

  onEnd(reason: string): void {
    this.ends.push(reason);
    this.wake();
  }

  /** Resolves once the check holds, re-checked at every tag and end. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${what} not seen within ${timeoutMs} ms (${this.tags.length} tags, ends ${JSON.stringify(this.ends)})`));
      }, timeoutMs);
      this.waiters.push(waiter);
      waiter();
    });
  }

  keyframes(): Seen[] {
    return this.tags.filter((t) => t.head[0] === 0x17 && t.head[1] === 1);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

const isAvcSequenceHeader = (data: Buffer) => data[0] === 0x17 && data[1] === 0;

async function startServer(lifecycle: RecordingLifecycle) {
  const ingest = await startEmbeddedIngest(lifecycle);
  started.push(ingest);
  return ingest;
}

function push(options: PushOptions): Push {
  const p = pushTestStream({ width: 320, height: 180, fps: 15, ...options });
  pushes.push(p);
  return p;
}

/** A lifecycle that accepts every publish and subscribes a recorder to each one's tags before answering. */
function recordingAll(): { lifecycle: RecordingLifecycle; recorders: Map<string, TagRecorder> } {
  const lifecycle = new RecordingLifecycle();
  const recorders = new Map<string, TagRecorder>();
  lifecycle.decide = (signal) => {
    const recorder = new TagRecorder();
    recorders.set(signal.stream, recorder);
    signal.tags?.subscribe(recorder);
    return { accepted: true };
  };
  return { lifecycle, recorders };
}

async function published(lifecycle: RecordingLifecycle, stream: string): Promise<StreamSignal> {
  return (await lifecycle.waitFor((e) => e.kind === "published" && e.signal.stream === stream, 15_000)).signal;
}

/** Checks a recorder's stream: sequence header first, then a keyframe, then frames at wall-clock pace. */
async function expectLiveVideo(recorder: TagRecorder, fps: number): Promise<void> {
  await recorder.until(() => recorder.tags.length >= 2, 10_000, "two tags");
  const [first, second] = recorder.tags;
  expect(first!.config, "the first tag is the AVC sequence header").toBeDefined();
  expect([...second!.head], "then a keyframe").toEqual([0x17, 1]);

  const from = recorder.tags.at(-1)!;
  const count = recorder.tags.length;
  await recorder.until(() => recorder.tags.at(-1)!.at - from.at >= 3_000, 10_000, "3 s of tags");
  const to = recorder.tags.at(-1)!;
  const streamMs = to.timestamp - from.timestamp;
  expect(Math.abs(streamMs - (to.at - from.at)), "stream time advances with the wall clock").toBeLessThan(500);
  expect(recorder.tags.length - count).toBeGreaterThanOrEqual(fps * 2.5);
  const timestamps = recorder.tags.map((t) => t.timestamp);
  expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
}

describe("embedded ingest tags", () => {
  it("hands an ffmpeg publisher's video (no audio) to the listener from the sequence header on, and ends it once", async () => {
    const { lifecycle, recorders } = recordingAll();
    const { server } = await startServer(lifecycle);
    const publisher = push({ url: `rtmp://127.0.0.1:${server.port}/live/tags1`, audio: true });
    const signal = await published(lifecycle, "tags1");
    expect(signal.tags).toBeDefined();
    const recorder = recorders.get("tags1")!;

    await expectLiveVideo(recorder, 15);
    // AAC audio tags start 0xAF; every tag handed over is AVC video (codec id 7).
    expect(recorder.tags.filter((t) => (t.head[0]! & 0x0f) !== 7)).toEqual([]);
    expect(recorder.ends).toEqual([]);

    await publisher.stop();
    await recorder.until(() => recorder.ends.length > 0, 5_000, "the end");
    const count = recorder.tags.length;
    await lifecycle.waitFor((e) => e.kind === "unpublished", 5_000);
    expect(recorder.ends).toEqual(["the publisher left"]);
    expect(recorder.tags.length).toBe(count);

    const late = new TagRecorder();
    signal.tags!.subscribe(late);
    expect(late.ends).toEqual(["the publisher left"]);
    expect(late.tags).toEqual([]);
  });

  it("hands a GStreamer (rtmp2sink) publisher's video to the listener", async () => {
    const { lifecycle, recorders } = recordingAll();
    const { server } = await startServer(lifecycle);
    pushes.push(pushWithGstreamer({ target: { port: server.port, app: "live", stream: "gst1" } }));
    await published(lifecycle, "gst1");
    await expectLiveVideo(recorders.get("gst1")!, 15);
  });

  it("delivers no tag of a publish the lifecycle refuses, and ends its listener with the reason", async () => {
    const lifecycle = new RecordingLifecycle();
    const recorder = new TagRecorder();
    lifecycle.decide = (signal) => {
      signal.tags?.subscribe(recorder);
      return { accepted: false, reason: "auth_invalid", message: "auth_key does not match" };
    };
    const { server } = await startServer(lifecycle);
    const refused = push({ url: `rtmp://127.0.0.1:${server.port}/live/refused1`, durationSeconds: 20 });
    await recorder.until(() => recorder.ends.length > 0, 10_000, "the end");
    await refused.exited;
    expect(recorder.ends).toHaveLength(1);
    expect(recorder.ends[0]).toMatch(/refused \(auth_invalid\).*auth_key does not match/);
    expect(recorder.tags).toEqual([]);
  });

  it("ends the tags of a publisher cut for idling, and of one still live when the ingest stops", async () => {
    const { lifecycle, recorders } = recordingAll();
    const ingest = await startEmbeddedIngest(lifecycle, { limits: { idleTimeoutMs: 1_500 } });
    started.push(ingest);
    const quiet = await RawRtmpClient.open(ingest.server.port);
    try {
      await quiet.handshake();
      quiet.publish("live", "quiet", ingest.server.port);
      await published(lifecycle, "quiet");
      const recorder = recorders.get("quiet")!;
      await recorder.until(() => recorder.ends.length > 0, 5_000, "the end");
      expect(recorder.ends).toEqual(["the publisher sent nothing for 1500 ms"]);
    } finally {
      quiet.destroy();
    }

    push({ url: `rtmp://127.0.0.1:${ingest.server.port}/live/live1` });
    await published(lifecycle, "live1");
    const live = recorders.get("live1")!;
    await live.until(() => live.tags.length >= 2, 10_000, "two tags");
    await ingest.server.stop();
    expect(live.ends).toEqual(["the ingest stopped"]);
  });

  it("keeps two streams' tags apart", async () => {
    const { lifecycle, recorders } = recordingAll();
    const { server } = await startServer(lifecycle);
    push({ url: `rtmp://127.0.0.1:${server.port}/live/small`, width: 320, height: 180, fps: 10 });
    push({ url: `rtmp://127.0.0.1:${server.port}/live/large`, width: 640, height: 360, fps: 25 });
    await published(lifecycle, "small");
    await published(lifecycle, "large");
    const small = recorders.get("small")!;
    const large = recorders.get("large")!;
    await Promise.all([
      small.until(() => small.tags.length >= 30, 15_000, "30 tags of small"),
      large.until(() => large.tags.length >= 75, 15_000, "75 tags of large"),
    ]);
    const configs = (r: TagRecorder) => r.tags.filter((t) => t.config !== undefined).map((t) => t.config!.toString("hex"));
    expect(new Set(configs(small)).size).toBe(1);
    expect(new Set(configs(large)).size).toBe(1);
    expect(configs(small)[0]).not.toBe(configs(large)[0]);
    // Each stream's timestamps step by its own frame duration (100 ms and 40 ms).
    const steps = (r: TagRecorder) => {
      const frames = r.tags.filter((t) => t.config === undefined);
      return new Set(frames.slice(1).map((t, i) => t.timestamp - frames[i]!.timestamp));
    };
    expect([...steps(small)].every((d) => d >= 99 && d <= 101)).toBe(true);
    expect([...steps(large)].every((d) => d >= 39 && d <= 41)).toBe(true);
  });

  it("serves the capture-token play while tags are tapped, and keeps no GOP cache with no player", async () => {
    const { lifecycle, recorders } = recordingAll();
    const { server } = await startServer(lifecycle);
    // A 1 s GOP: a player that joins between keyframes starts at the next one.
    push({ url: `rtmp://127.0.0.1:${server.port}/live/played`, gop: 15 });
    const signal = await published(lifecycle, "played");
    const recorder = recorders.get("played")!;
    const broadcast = Context.broadcasts.get(`/${signal.domain}/live/played`)!;
    await recorder.until(() => recorder.keyframes().length >= 3, 10_000, "three keyframes");
    expect(broadcast.rtmpGopCache).toBeNull();
    expect(broadcast.flvGopCache).toBeNull();

    const before = recorder.tags.length;
    const frame = await grabFrame(signal.captureUrl!);
    expect(frame.length).toBeGreaterThan(1000);
    const after = recorder.tags.length;
    expect(after).toBeGreaterThan(before);

    // The player is gone: the next keyframe leaves no cache behind either.
    const keyframes = recorder.keyframes().length;
    await recorder.until(() => recorder.keyframes().length > keyframes + 1, 5_000, "two more keyframes");
    expect(broadcast.subscribers.size).toBe(0);
    expect(broadcast.rtmpGopCache).toBeNull();
    expect(broadcast.flvGopCache).toBeNull();
  });

  it("starts a re-publish of the same path at its own timestamps, not after the previous publish's", async () => {
    const { lifecycle, recorders } = recordingAll();
    const { server } = await startServer(lifecycle);
    const first = push({ url: `rtmp://127.0.0.1:${server.port}/live/again`, durationSeconds: 3 });
    await first.exited;
    await lifecycle.waitFor((e) => e.kind === "unpublished", 5_000);
    const firstRecorder = recorders.get("again")!;
    expect(firstRecorder.tags.at(-1)!.timestamp).toBeGreaterThan(2_000);

    push({ url: `rtmp://127.0.0.1:${server.port}/live/again` });
    await lifecycle.waitFor((e) => e.kind === "published" && lifecycle.of("published").length === 2, 10_000);
    const second = recorders.get("again")!;
    expect(second).not.toBe(firstRecorder);
    await second.until(() => second.tags.length >= 2, 10_000, "two tags");
    expect(second.tags[0]!.timestamp).toBeLessThan(500);
  });
});

describe("PublishTags", () => {
  const header = Buffer.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f]);
  const keyframe = Buffer.from([0x17, 1, 0, 0, 0, 0xaa]);

  it("delivers nothing before open, then the header seen meanwhile, and the latest header to a late subscriber", () => {
    const tags = new PublishTags();
    const early = new TagRecorder();
    tags.subscribe(early);
    tags.video(0, header);
    tags.video(0, keyframe);
    expect(early.tags).toEqual([]);
    tags.open();
    tags.video(33, keyframe);
    expect(early.tags.map((t) => [t.timestamp, t.head[1]])).toEqual([[0, 0], [33, 1]]);

    const late = new TagRecorder();
    tags.subscribe(late);
    expect(late.tags.map((t) => t.config?.equals(header))).toEqual([true]);
  });

  it("ends each listener once, ends a later subscriber at once, and stops delivering to one that unsubscribed", () => {
    const tags = new PublishTags();
    tags.open();
    const kept = new TagRecorder();
    const left = new TagRecorder();
    tags.subscribe(kept);
    tags.subscribe(left)();
    tags.video(0, keyframe);
    tags.end("gone");
    tags.end("again");
    tags.video(33, keyframe);
    expect(kept.tags).toHaveLength(1);
    expect(kept.ends).toEqual(["gone"]);
    expect(left.tags).toEqual([]);
    expect(left.ends).toEqual([]);
    const after = new TagRecorder();
    tags.subscribe(after);
    expect(after.ends).toEqual(["gone"]);
  });

  it("unsubscribes and ends a listener that throws; the others keep receiving", () => {
    const errors: unknown[] = [];
    const tags = new PublishTags((error) => errors.push(error));
    tags.open();
    const ends: string[] = [];
    tags.subscribe({
      onVideo: () => {
        throw new Error("broken");
      },
      onEnd: (reason) => ends.push(reason),
    });
    const healthy = new TagRecorder();
    tags.subscribe(healthy);
    tags.video(0, keyframe);
    tags.video(33, keyframe);
    expect(healthy.tags).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(ends).toEqual(["the tag listener failed: broken"]);
  });
});
