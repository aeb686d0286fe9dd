import { beforeAll, describe, expect, it } from "vitest";
import { FrameCache, type FramePushResult } from "../src/media/frame-cache.js";
import type { VideoTag } from "../src/media/types.js";
import { recordH264Flv, videoTags } from "./support/flv-recordings.js";

/** 2 s GOP at 30 fps with B-frames, audio ahead of the video. */
let gop2: VideoTag[];
/** The same source at another resolution, for a mid-publish change. */
let larger: VideoTag[];

beforeAll(async () => {
  [gop2, larger] = await Promise.all([
    recordH264Flv({ seconds: 6, gop: 60, videoOffsetSeconds: 1 }).then(videoTags),
    recordH264Flv({ seconds: 3, gop: 60, size: "320x180" }).then(videoTags),
  ]);
});

function feed(cache: FrameCache, tags: VideoTag[], shiftMs = 0): FramePushResult[] {
  return tags.map((t) => cache.push({ timestamp: (t.timestamp + shiftMs) >>> 0, data: t.data }, t.timestamp));
}

/** A snapshot of what the cache holds, to show a refused tag changed nothing. */
function state(cache: FrameCache) {
  return {
    bytes: cache.bytes,
    codec: cache.codec,
    config: cache.config,
    startsAtKeyframe: cache.startsAtKeyframe,
    frames: cache.framesSinceKeyframe().map((f) => [f.dts, f.pts, f.keyframe, f.payload.length]),
  };
}

/** A legacy AVC frame tag with one NAL unit of `size` bytes. */
function avcFrame(keyframe: boolean, size: number): Buffer {
  const tag = Buffer.alloc(5 + 4 + size, 0x41);
  tag[0] = keyframe ? 0x17 : 0x27;
  tag[1] = 1;
  tag.writeUIntBE(0, 2, 3);
  tag.writeUInt32BE(size, 5);
  return tag;
}

describe("frames kept from a real publish", () => {
  it("keeps the configuration and only the frames since the newest keyframe, as copies", () => {
    const tags = gop2.map((t) => ({ timestamp: t.timestamp, data: Buffer.from(t.data) }));
    const cache = new FrameCache();
    const results = feed(cache, tags);
    expect(results[0]).toMatchObject({ kind: "config", codec: "h264", changed: true });
    expect(results.filter((r) => r.kind === "keyframe").length).toBeGreaterThanOrEqual(3);
    const kept = cache.framesSinceKeyframe();
    expect(kept[0]!.keyframe).toBe(true);
    expect(kept.slice(1).every((f) => !f.keyframe)).toBe(true);
    const lastKeyframe = results.map((r) => r.kind).lastIndexOf("keyframe");
    expect(kept).toHaveLength(results.slice(lastKeyframe).filter((r) => r.kind === "frame" || r.kind === "keyframe").length);
    expect(kept.length).toBeGreaterThan(20);
    expect(cache.keyframe()).toBe(kept[0]);
    expect(cache.bytes).toBe(cache.config!.length + kept.reduce((n, f) => n + f.payload.length, 0));
    // Copies: overwriting the source tags leaves the kept frames intact.
    const before = Buffer.from(kept[5]!.payload);
    for (const t of tags) t.data.fill(0, 5);
    expect(kept[5]!.payload).toEqual(before);
  });

  it("carries composition time into pts and keeps dts increasing from the first video tag", () => {
    const cache = new FrameCache();
    const frames = feed(cache, gop2).flatMap((r) => (r.kind === "frame" || r.kind === "keyframe" ? [r.frame] : []));
    expect(frames[0]!.dts).toBeGreaterThanOrEqual(900);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.dts).toBeGreaterThan(frames[i - 1]!.dts);
    expect(frames.some((f) => f.pts > f.dts)).toBe(true);
    expect(cache.stats.discontinuities).toBe(0);
  });

  it("framesThrough stops at the given decode time", () => {
    const cache = new FrameCache();
    feed(cache, gop2);
    const kept = cache.framesSinceKeyframe();
    const through = cache.framesThrough(kept[10]!.dts);
    expect(through).toEqual(kept.slice(0, 11));
    expect(cache.framesThrough(kept[0]!.dts - 1)).toEqual([]);
  });
});

describe("sequence headers", () => {
  it("replaces the configuration on a resolution change and clears the frames coded for the old one", async () => {
    const first = await recordH264Flv({ seconds: 3, gop: 60 }).then(videoTags);
    const cache = new FrameCache();
    feed(cache, first);
    const oldConfig = cache.config!;
    const end = first.at(-1)!.timestamp + 33;
    const [config, ...rest] = feed(cache, larger.slice(0, 1), end);
    expect(rest).toEqual([]);
    expect(config).toMatchObject({ kind: "config", changed: true });
    expect(cache.config).not.toEqual(oldConfig);
    expect(cache.framesSinceKeyframe()).toEqual([]);
    expect(cache.keyframe()).toBeNull();
    const next = feed(cache, larger.slice(1, 3), end);
    expect(next[0]).toMatchObject({ kind: "keyframe" });
    // The clock goes on across the change.
    expect(cache.framesSinceKeyframe()[0]!.dts).toBe(end);
    expect(cache.stats.configs).toBe(2);
  });

  it("a repeated identical sequence header keeps the frames", () => {
    const cache = new FrameCache();
    feed(cache, gop2.slice(0, 20));
    const before = state(cache);
    expect(cache.push(gop2[0]!, 0)).toMatchObject({ kind: "config", changed: false });
    expect(state(cache)).toEqual(before);
  });

  it("drops and counts frames that arrive before any configuration", () => {
    const cache = new FrameCache();
    const results = feed(cache, gop2.slice(1, 11));
    expect(results.every((r) => r.kind === "ignored" && r.why === "missing sequence header")).toBe(true);
    expect(cache.stats.missingSequenceHeader).toBe(10);
    expect(cache.bytes).toBe(0);
    feed(cache, gop2.slice(0, 2));
    expect(cache.keyframe()).not.toBeNull();
  });
});

describe("timestamps", () => {
  it("continues through the 32-bit wrap", () => {
    const cache = new FrameCache();
    const shift = 2 ** 32 - 2_000;
    const results = feed(cache, gop2, shift);
    const frames = results.flatMap((r) => (r.kind === "frame" || r.kind === "keyframe" ? [r.frame] : []));
    expect(frames.some((f) => f.dts >= 2 ** 32)).toBe(true);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.dts - frames[i - 1]!.dts).toBeGreaterThan(0);
    expect(frames.at(-1)!.dts - frames[0]!.dts).toBe(gop2.at(-1)!.timestamp - gop2[1]!.timestamp);
    expect(cache.stats.discontinuities).toBe(0);
  });

  it("re-anchors a jump back and an absurd jump forward one frame later, and counts them", () => {
    const cache = new FrameCache();
    const tags = gop2.slice(0, 40);
    const bent = tags.map((t, i) => ({
      timestamp: i < 15 ? t.timestamp : i < 30 ? t.timestamp - 5_000 : t.timestamp + 3_600_000,
      data: t.data,
    }));
    const frames = bent
      .map((t) => cache.push(t, 0))
      .flatMap((r) => (r.kind === "frame" || r.kind === "keyframe" ? [r] : []));
    expect(frames.filter((r) => r.discontinuity)).toHaveLength(2);
    expect(cache.stats.discontinuities).toBe(2);
    const dts = frames.map((r) => r.frame.dts);
    for (let i = 1; i < dts.length; i++) {
      expect(dts[i]! - dts[i - 1]!).toBeGreaterThan(0);
      expect(dts[i]! - dts[i - 1]!).toBeLessThanOrEqual(34);
    }
  });

  it("a timestamp at the gap bound is a step, beyond it a discontinuity", () => {
    const cache = new FrameCache({ maxFrameGapMs: 10_000 });
    cache.push(gop2[0]!, 0);
    cache.push({ timestamp: 100, data: gop2[1]!.data }, 0);
    expect(cache.push({ timestamp: 10_100, data: gop2[2]!.data }, 0)).toMatchObject({ discontinuity: false, frame: { dts: 10_100 } });
    expect(cache.push({ timestamp: 20_101, data: gop2[3]!.data }, 0)).toMatchObject({ discontinuity: true });
  });
});

describe("the byte cap", () => {
  it("holds with huge frames: the oldest go first and the cache says it no longer starts at a keyframe", () => {
    const cap = 1024 * 1024;
    const cache = new FrameCache({ maxBytes: cap });
    cache.push(gop2[0]!, 0);
    expect(cache.push({ timestamp: 0, data: avcFrame(true, 300_000) }, 0)).toMatchObject({ kind: "keyframe" });
    for (let i = 1; i <= 6; i++) {
      expect(cache.push({ timestamp: i * 33, data: avcFrame(false, 300_000) }, 0)).toMatchObject({ kind: "frame" });
      expect(cache.bytes).toBeLessThanOrEqual(cap);
    }
    expect(cache.startsAtKeyframe).toBe(false);
    expect(cache.keyframe()).toBeNull();
    expect(cache.framesSinceKeyframe().map((f) => f.dts)).toEqual([132, 165, 198]);
    expect(cache.stats.droppedForCap).toBe(4);
    // The next keyframe starts a clean group again.
    cache.push({ timestamp: 231, data: avcFrame(true, 1000) }, 0);
    expect(cache.startsAtKeyframe).toBe(true);
    expect(cache.framesSinceKeyframe()).toHaveLength(1);
  });

  it("refuses a single frame larger than the cap and forgets the group it would belong to", () => {
    const cache = new FrameCache({ maxBytes: 64 * 1024 });
    feed(cache, gop2.slice(0, 10));
    const result = cache.push({ timestamp: 400, data: avcFrame(false, 100_000) }, 0);
    expect(result).toMatchObject({ kind: "error" });
    if (result.kind === "error") expect(result.error.message).toMatch(/exceeds the 65536-byte frame cache/);
    expect(cache.framesSinceKeyframe()).toEqual([]);
    expect(cache.bytes).toBe(cache.config!.length);
  });

  it("a real 12 s GOP under a small cap stays under it for the whole publish", async () => {
    const tags = await recordH264Flv({ seconds: 14, gop: 360 }).then(videoTags);
    const cache = new FrameCache({ maxBytes: 32 * 1024 });
    let most = 0;
    for (const t of tags) {
      cache.push(t, 0);
      most = Math.max(most, cache.bytes);
    }
    expect(most).toBeLessThanOrEqual(32 * 1024);
    expect(most).toBeGreaterThan(24 * 1024);
    expect(cache.stats.droppedForCap).toBeGreaterThan(0);
  });
});

describe("garbage tags", () => {
  it("are refused with a clear error and leave the cache unchanged", () => {
    const cache = new FrameCache();
    feed(cache, gop2.slice(0, 30));
    const before = state(cache);
    const frame = gop2[5]!.data;
    const brokenLength = Buffer.from(frame);
    brokenLength.writeUInt32BE(0xffff, 5);
    const garbage: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /empty video tag/],
      [Buffer.from([0x12, 0, 0, 0]), /Sorenson/],
      [brokenLength, /overruns/],
      [Buffer.concat([Buffer.from([0x91]), Buffer.from("hvc1"), Buffer.from([0, 0, 0, 0, 0, 0, 1, 0x40])]), /hevc frame on a stream configured for h264/],
      [Buffer.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 99]), /SPS 1 of 1/],
      [Buffer.concat([Buffer.from([0x96, 0]), Buffer.from("hvc1")]), /multitrack/],
    ];
    for (const [data, message] of garbage) {
      const result = cache.push({ timestamp: 5000, data }, 0);
      expect(result.kind).toBe("error");
      if (result.kind === "error") expect(result.error.message).toMatch(message);
      expect(state(cache)).toEqual(before);
    }
    expect(cache.stats.errors).toBe(garbage.length);
    // A garbage timestamp on a refused tag does not move the clock either.
    expect(cache.push({ timestamp: gop2[30]!.timestamp, data: gop2[30]!.data }, 0)).toMatchObject({ discontinuity: false });
  });
});
