import { beforeAll, describe, expect, it } from "vitest";
import { CaptureSchedule, type CaptureDecision, type CaptureScheduleOptions } from "../src/media/capture-schedule.js";
import { FrameCache } from "../src/media/frame-cache.js";
import type { VideoTag } from "../src/media/types.js";
import { recordH264Flv, videoTags } from "./support/flv-recordings.js";

/** 62 s, 30 fps, 2 s GOP, B-frames, audio ahead of the video: what ffmpeg/OBS defaults look like. */
let gop2: VideoTag[];
/** 40 s with a 12 s GOP. */
let gop12: VideoTag[];

beforeAll(async () => {
  [gop2, gop12] = await Promise.all([
    recordH264Flv({ seconds: 62, gop: 60, videoOffsetSeconds: 1.5 }).then(videoTags),
    recordH264Flv({ seconds: 40, gop: 360 }).then(videoTags),
  ]);
});

interface Replay {
  decisions: CaptureDecision[];
  schedule: CaptureSchedule;
  cache: FrameCache;
  /** The decode timestamps of all frames kept, in order. */
  frameDts: number[];
}

/** Feeds tags through a FrameCache and a CaptureSchedule; arrival defaults to real time. */
function replay(tags: VideoTag[], options: CaptureScheduleOptions, arrival: (tag: VideoTag, index: number) => number = (t) => 1_000_000 + t.timestamp): Replay {
  const cache = new FrameCache();
  const schedule = new CaptureSchedule(options);
  const decisions: CaptureDecision[] = [];
  const frameDts: number[] = [];
  tags.forEach((tag, i) => {
    const at = arrival(tag, i);
    const result = cache.push(tag, at);
    if (result.kind !== "frame" && result.kind !== "keyframe") return;
    frameDts.push(result.frame.dts);
    const decision = schedule.onFrame(result.frame, at, cache);
    if (decision) decisions.push(decision);
  });
  return { decisions, schedule, cache, frameDts };
}

function gaps(decisions: CaptureDecision[]): number[] {
  return decisions.slice(1).map((d, i) => d.captureMs - decisions[i]!.captureMs);
}

/** A copy of the tags with every keyframe flag cleared from the given index on. */
function withoutKeyframes(tags: VideoTag[], from = 0): VideoTag[] {
  return tags.map((t, i) => {
    if (i < from || t.data[0] !== 0x17 || t.data[1] !== 1) return t;
    const data = Buffer.from(t.data);
    data[0] = 0x27;
    return { timestamp: t.timestamp, data };
  });
}

const keyframeDts = (tags: VideoTag[]) =>
  tags.filter((t) => t.data[0] === 0x17 && t.data[1] === 1).map((t) => t.timestamp);

describe("a 2 s GOP", () => {
  for (const intervalMs of [5_000, 10_000]) {
    it(`on a ${intervalMs / 1000} s interval: one keyframe decoded per image, every boundary served, average spacing the interval`, () => {
      const r = replay(gop2, { intervalMs });
      const { decisions } = r;
      const t0 = r.frameDts[0]!;
      // The first image is the first keyframe after publish (video starts ~1.5 s after the audio).
      expect(t0).toBeGreaterThan(1_000);
      expect(decisions[0]).toMatchObject({ boundaryMs: t0, captureMs: t0, reason: "keyframe" });
      expect(decisions).toHaveLength(Math.floor((r.frameDts.at(-1)! - t0) / intervalMs) + 1);
      decisions.forEach((d, k) => {
        expect(d.frames).toHaveLength(1);
        expect(d.frames[0]!.keyframe).toBe(true);
        expect(d.boundaryMs).toBe(t0 + k * intervalMs);
        // The first keyframe at or after its boundary: within one GOP of it.
        expect(d.captureMs).toBeGreaterThanOrEqual(d.boundaryMs);
        expect(d.captureMs - d.boundaryMs).toBeLessThan(2_000);
      });
      for (const gap of gaps(decisions)) expect(Math.abs(gap - intervalMs)).toBeLessThanOrEqual(2_000);
      const last = decisions.at(-1)!;
      const average = (last.captureMs - decisions[0]!.captureMs) / (decisions.length - 1);
      expect(Math.abs(average - intervalMs)).toBeLessThanOrEqual(2_000 / (decisions.length - 1));
      expect(r.schedule.keyframeSpacingMs).toBeGreaterThan(1_950);
      expect(r.schedule.keyframeSpacingMs).toBeLessThan(2_050);
    });
  }

  it("5 s interval gives 0, 6, 10, 16, 20 ... s after the first frame", () => {
    const r = replay(gop2, { intervalMs: 5_000 });
    const t0 = r.frameDts[0]!;
    const offsets = r.decisions.slice(0, 5).map((d) => Math.round((d.captureMs - t0) / 1000));
    expect(offsets).toEqual([0, 6, 10, 16, 20]);
  });

  it("the first image comes from the first keyframe when the stream is joined mid-GOP", () => {
    const joined = [gop2[0]!, ...gop2.slice(40)];
    const r = replay(joined, { intervalMs: 5_000 });
    const firstKeyframe = joined.findIndex((t, i) => i > 0 && t.data[0] === 0x17);
    expect(r.decisions[0]).toMatchObject({ captureMs: joined[firstKeyframe]!.timestamp, reason: "keyframe" });
    expect(r.decisions[0]!.frames).toHaveLength(1);
  });

  it("a keyframe that does not come is waited for no longer than the GOP plus the margin", () => {
    const t0 = gop2[1]!.timestamp;
    // Remove the keyframe right after the 5 s boundary (at ~6 s).
    const late = gop2.map((t) => (t.timestamp === t0 + 6_000 && t.data[0] === 0x17 ? withoutKeyframes([t])[0]! : t));
    const r = replay(late, { intervalMs: 5_000, keyframeWaitMarginMs: 300 });
    const second = r.decisions[1]!;
    expect(second.reason).toBe("keyframe-late");
    expect(second.boundaryMs).toBe(t0 + 5_000);
    // Expected at 6 s, given up just after 6.3 s; decoded from the 4 s keyframe.
    expect(second.captureMs).toBeGreaterThan(t0 + 6_300);
    expect(second.captureMs).toBeLessThanOrEqual(t0 + 6_300 + 34);
    expect(second.frames[0]).toMatchObject({ keyframe: true, dts: t0 + 4_000 });
    expect(second.frames.at(-1)!.dts).toBe(second.captureMs);
    expect(r.decisions[2]).toMatchObject({ reason: "keyframe", boundaryMs: t0 + 10_000, captureMs: t0 + 10_000 });
  });
});

describe("a 12 s GOP on a 5 s template", () => {
  it("keeps every gap within the interval + 1 s by decoding from the last keyframe up to the boundary frame", () => {
    const r = replay(gop12, { intervalMs: 5_000 });
    const t0 = r.frameDts[0]!;
    const kfs = keyframeDts(gop12);
    expect(kfs).toEqual([0, 12_000, 24_000, 36_000]);
    expect(r.decisions).toHaveLength(Math.floor((r.frameDts.at(-1)! - t0) / 5_000) + 1);
    for (const gap of gaps(r.decisions)) expect(Math.abs(gap - 5_000)).toBeLessThanOrEqual(1_000);
    let decoded = 0;
    r.decisions.forEach((d, k) => {
      expect(d.boundaryMs).toBe(t0 + k * 5_000);
      // The frame at the boundary: the first at or after it.
      expect(d.captureMs - d.boundaryMs).toBeGreaterThanOrEqual(0);
      expect(d.captureMs - d.boundaryMs).toBeLessThanOrEqual(34);
      const lastKeyframe = kfs.filter((kf) => kf <= d.captureMs).at(-1)!;
      expect(d.frames[0]).toMatchObject({ keyframe: true, dts: lastKeyframe });
      expect(d.frames.at(-1)!.dts).toBe(d.captureMs);
      expect(d.frames).toHaveLength(r.frameDts.filter((dts) => dts >= lastKeyframe && dts <= d.captureMs).length);
      expect(d.reason).toBe(d.frames.length === 1 ? "keyframe" : "long-gop");
      decoded += d.frames.length;
    });
    // Never more than one GOP per image; about as many decodes as frames overall, against
    // three times as many if every image waited for no keyframe and decoded all frames kept.
    for (const d of r.decisions) expect(d.frames.length).toBeLessThanOrEqual(360);
    expect(decoded).toBeLessThan(r.frameDts.length * 1.25);
  });
});

describe("a source without keyframes", () => {
  it("gets images at the interval, each from the frames of the last interval", () => {
    const keyless = withoutKeyframes(gop2);
    const r = replay(keyless, { intervalMs: 5_000 });
    const t0 = r.frameDts[0]!;
    expect(r.cache.stats.frames).toBeGreaterThan(1_800);
    expect(r.decisions.length).toBeGreaterThanOrEqual(11);
    expect(r.decisions.every((d) => d.reason === "no-keyframes")).toBe(true);
    // The first after one interval without a keyframe, then one per boundary.
    expect(r.decisions[0]!.captureMs - t0).toBeGreaterThan(5_000);
    expect(r.decisions[0]!.captureMs - t0).toBeLessThanOrEqual(5_034);
    for (const gap of gaps(r.decisions)) expect(Math.abs(gap - 5_000)).toBeLessThanOrEqual(34);
    for (const d of r.decisions) {
      expect(d.frames.at(-1)!.dts).toBe(d.captureMs);
      expect(d.frames[0]!.dts).toBeGreaterThan(d.captureMs - 5_000);
      expect(d.frames.length).toBeGreaterThan(140);
    }
  });
});

describe("timestamps", () => {
  const shifted = (tags: VideoTag[], at: (t: VideoTag, i: number) => number) => tags.map((t, i) => ({ timestamp: at(t, i) >>> 0, data: t.data }));
  /** Arrival on the wall clock as recorded, whatever the timestamps say. */
  const realTime = (_: VideoTag, i: number) => 1_000_000 + gop2[i]!.timestamp;

  it("a wrap at 2^32 changes nothing", () => {
    const plain = replay(gop2, { intervalMs: 5_000 });
    const wrapped = replay(shifted(gop2, (t) => t.timestamp + 2 ** 32 - 20_000), { intervalMs: 5_000 }, realTime);
    expect(wrapped.decisions.map((d) => d.captureMs - wrapped.frameDts[0]!)).toEqual(plain.decisions.map((d) => d.captureMs - plain.frameDts[0]!));
    expect(wrapped.decisions.some((d) => d.captureMs > 2 ** 32)).toBe(true);
    expect(wrapped.cache.stats.discontinuities).toBe(0);
  });

  for (const [what, jump] of [["back", -30_000], ["absurdly forward", 3_600_000]] as const) {
    it(`a jump ${what} is a counted discontinuity: no burst, no huge or negative gap`, () => {
      const half = Math.floor(gop2.length / 2);
      const r = replay(shifted(gop2, (t, i) => (i < half ? t.timestamp : t.timestamp + jump)), { intervalMs: 5_000 }, realTime);
      expect(r.cache.stats.discontinuities).toBe(1);
      const all = gaps(r.decisions);
      for (const gap of all) {
        expect(gap).toBeGreaterThan(2_000);
        expect(gap).toBeLessThanOrEqual(7_000);
      }
      // Re-anchoring may shift the clock by a millisecond: the last boundary can fall just past the end.
      const unbent = replay(gop2, { intervalMs: 5_000 }).decisions.length;
      expect(r.decisions.length).toBeGreaterThanOrEqual(unbent - 1);
      expect(r.decisions.length).toBeLessThanOrEqual(unbent);
      expect(r.schedule.stats.skippedBoundaries).toBe(0);
    });
  }
});

describe("stalls and fast publishers", () => {
  it("after a 25 s hole in the stream, the next boundary ahead is served once: no burst of missed ones", () => {
    const t0 = gop2[1]!.timestamp;
    const holed = gop2.filter((t, i) => i === 0 || t.timestamp < t0 + 20_500 || t.timestamp >= t0 + 45_500);
    const r = replay(holed, { intervalMs: 5_000 });
    const around = r.decisions.filter((d) => d.captureMs > t0 + 20_500 && d.captureMs < t0 + 51_000);
    // 25, 30, 35, 40 and 45 s passed unserved; the first image after the hole serves 45 s.
    expect(around.map((d) => d.boundaryMs)).toEqual([t0 + 45_000, t0 + 50_000]);
    expect(around[0]!.captureMs).toBe(t0 + 46_000);
    expect(r.schedule.stats.skippedBoundaries).toBe(4);
  });

  it("a backlog arriving all at once after a stall yields one image, not one per boundary", () => {
    const t0 = gop2[1]!.timestamp;
    // Nothing arrives between 10 s and 40 s of stream time; then it all lands at the 40 s mark.
    const arrival = (t: VideoTag) => 1_000_000 + (t.timestamp > t0 + 10_000 && t.timestamp < t0 + 40_000 ? t0 + 40_000 : t.timestamp);
    const r = replay(gop2, { intervalMs: 5_000 }, arrival);
    const burst = r.decisions.filter((d) => d.arrivalMs === 1_000_000 + t0 + 40_000);
    expect(burst).toHaveLength(1);
    const wallGaps = r.decisions.slice(1).map((d, i) => d.arrivalMs - r.decisions[i]!.arrivalMs);
    for (const gap of wallGaps) expect(gap).toBeGreaterThanOrEqual(2_500);
  });

  it("a publisher sending 10x faster than real time is held to one image per half interval of arrival time", () => {
    const r = replay(gop2, { intervalMs: 5_000 }, (t) => 1_000_000 + t.timestamp / 10);
    const wallGaps = r.decisions.slice(1).map((d, i) => d.arrivalMs - r.decisions[i]!.arrivalMs);
    expect(r.decisions.length).toBeGreaterThanOrEqual(2);
    // 62 s of stream in 6.2 s: at most 6.2 / 2.5 + 1 images instead of 13.
    expect(r.decisions.length).toBeLessThanOrEqual(3);
    for (const gap of wallGaps) expect(gap).toBeGreaterThanOrEqual(2_500);
    expect(r.schedule.stats.wallFloorHolds).toBeGreaterThan(0);
    // Held images still come from keyframes where one is in reach, not from long runs of frames.
    for (const d of r.decisions) expect(d.frames.length).toBeLessThanOrEqual(60);
  });

  it("the floor can be turned off", () => {
    const r = replay(gop2, { intervalMs: 5_000, minWallSpacingMs: 0 }, (t) => 1_000_000 + t.timestamp / 10);
    expect(r.decisions).toHaveLength(13);
  });
});

it("refuses a non-positive interval", () => {
  expect(() => new CaptureSchedule({ intervalMs: 0 })).toThrowError(RangeError);
});
