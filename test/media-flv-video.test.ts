import { beforeAll, describe, expect, it } from "vitest";
import { checkFramePayload, describeConfig, parseVideoTag, VideoTagError } from "../src/media/flv-video.js";
import type { ParsedVideoTag, VideoTag } from "../src/media/types.js";
import {
  demuxMp4Video,
  enhancedFrame,
  enhancedSequenceStart,
  enhancedTags,
  recordH264Flv,
  recordMp4,
  videoTags,
  type CodedStream,
} from "./support/flv-recordings.js";

let h264: VideoTag[];
let hevc: CodedStream;
let av1: CodedStream;

beforeAll(async () => {
  [h264, hevc, av1] = await Promise.all([
    recordH264Flv({ seconds: 3, gop: 30 }).then(videoTags),
    recordMp4("hevc").then(demuxMp4Video),
    recordMp4("av1").then(demuxMp4Video),
  ]);
});

function frames(parsed: ParsedVideoTag[]) {
  return parsed.flatMap((p) => (p.kind === "frame" ? [p] : []));
}

function expectRefused(data: Buffer, message: RegExp) {
  expect(() => parseVideoTag(data)).toThrowError(VideoTagError);
  expect(() => parseVideoTag(data)).toThrowError(message);
}

describe("legacy AVC tags from ffmpeg (B-frames, 1 s GOP)", () => {
  it("yields the configuration first, then frames with keyframes once per GOP and composition times", () => {
    const parsed = h264.map((t) => parseVideoTag(t.data));
    expect(parsed[0]).toMatchObject({ kind: "config", codec: "h264" });
    const coded = frames(parsed);
    expect(coded).toHaveLength(90);
    expect(coded.filter((f) => f.keyframe)).toHaveLength(3);
    expect(coded[0]!.keyframe).toBe(true);
    // B-frames show as positive composition offsets.
    expect(coded.some((f) => f.compositionTimeMs > 0)).toBe(true);
    for (const f of coded) expect(checkFramePayload("h264", f.payload)).toBeGreaterThan(0);
  });

  it("describes the AVC configuration record", () => {
    const config = parseVideoTag(h264[0]!.data);
    if (config.kind !== "config") throw new Error("no config");
    expect(describeConfig("h264", config.config)).toEqual({
      codec: "h264",
      profile: 100, // x264's High profile
      level: expect.any(Number),
      nalLengthSize: 4,
      spsCount: 1,
      ppsCount: 1,
    });
  });

  it("returns views into the tag, not copies", () => {
    const parsed = parseVideoTag(h264[1]!.data);
    if (parsed.kind !== "frame") throw new Error("no frame");
    expect(parsed.payload.buffer).toBe(h264[1]!.data.buffer);
  });

  it("ignores end of sequence and command frames", () => {
    expect(parseVideoTag(Buffer.from([0x17, 2, 0, 0, 0]))).toEqual({ kind: "ignored", why: "end of sequence" });
    expect(parseVideoTag(Buffer.from([0x57, 0]))).toMatchObject({ kind: "ignored" });
  });

  it("reads a negative composition time as signed 24 bits", () => {
    const tag = Buffer.from([0x27, 1, 0xff, 0xff, 0xdf, 0, 0, 0, 2, 0x41, 0x9a]);
    expect(parseVideoTag(tag)).toMatchObject({ kind: "frame", keyframe: false, compositionTimeMs: -33 });
  });
});

describe("Enhanced RTMP tags built from real HEVC and AV1 streams", () => {
  it("parses hvc1 configuration and frames, with composition times for B-frames", () => {
    const parsed = enhancedTags("hvc1", hevc).map((t) => parseVideoTag(t.data));
    expect(parsed[0]).toMatchObject({ kind: "config", codec: "hevc" });
    const coded = frames(parsed);
    expect(coded).toHaveLength(hevc.packets.length);
    expect(coded.map((f) => f.keyframe)).toEqual(hevc.packets.map((p) => p.keyframe));
    expect(coded.some((f) => f.compositionTimeMs !== 0)).toBe(true);
    for (const f of coded) expect(checkFramePayload("hevc", f.payload)).toBeGreaterThan(0);
  });

  it("describes the HEVC configuration record (VPS, SPS, PPS arrays)", () => {
    expect(describeConfig("hevc", hevc.config)).toMatchObject({ codec: "hevc", profile: 1, nalLengthSize: 4 });
    const info = describeConfig("hevc", hevc.config);
    if (info.codec !== "hevc") throw new Error("wrong codec");
    expect(info.arrayCount).toBeGreaterThanOrEqual(3);
  });

  it("parses av01 configuration and frames (CodedFrames has no composition time for AV1)", () => {
    const parsed = enhancedTags("av01", av1).map((t) => parseVideoTag(t.data));
    expect(parsed[0]).toMatchObject({ kind: "config", codec: "av1" });
    const coded = frames(parsed);
    expect(coded.map((f) => f.payload.length)).toEqual(av1.packets.map((p) => p.data.length));
    for (const f of coded) expect(checkFramePayload("av1", f.payload)).toBeGreaterThan(0);
    // Packet type 1 (CodedFrames) for av01: the payload starts right after the FourCC.
    const codedFrames = Buffer.concat([Buffer.from([0x80 | 0x20 | 1]), Buffer.from("av01"), av1.packets[1]!.data]);
    expect(parseVideoTag(codedFrames)).toMatchObject({ kind: "frame", compositionTimeMs: 0, payload: av1.packets[1]!.data });
    expect(describeConfig("av1", av1.config)).toMatchObject({ codec: "av1", version: 1, profile: 0 });
  });

  it("parses avc1 (H.264 over Enhanced RTMP) like legacy AVC", () => {
    const legacyConfig = parseVideoTag(h264[0]!.data);
    const legacyFrame = parseVideoTag(h264[1]!.data);
    if (legacyConfig.kind !== "config" || legacyFrame.kind !== "frame") throw new Error("unexpected recording");
    expect(parseVideoTag(enhancedSequenceStart("avc1", legacyConfig.config))).toEqual(legacyConfig);
    const enhanced = enhancedFrame("avc1", true, legacyFrame.compositionTimeMs, legacyFrame.payload);
    expect(parseVideoTag(enhanced)).toEqual(legacyFrame);
  });

  it("skips ModEx prefixes to the packet they wrap", () => {
    const frame = enhancedFrame("av01", true, 0, av1.packets[0]!.data);
    // ModEx (7) with 3 bytes of nanosecond offset, wrapping CodedFramesX (3).
    const modEx = Buffer.concat([Buffer.from([0x80 | 0x10 | 7, 2, 0, 0, 5, (0 << 4) | 3]), frame.subarray(1)]);
    expect(parseVideoTag(modEx)).toEqual(parseVideoTag(frame));
  });

  it("ignores metadata, sequence end and MPEG-2 TS sequence start", () => {
    for (const type of [2, 4, 5]) {
      expect(parseVideoTag(Buffer.concat([Buffer.from([0x90 | type]), Buffer.from("hvc1")]))).toMatchObject({ kind: "ignored" });
    }
  });
});

describe("refusals name the problem", () => {
  it("refuses other legacy codecs and unknown codec ids", () => {
    expectRefused(Buffer.from([0x12, 0]), /Sorenson H\.263 \(codec id 2\)/);
    expectRefused(Buffer.from([0x1c, 0]), /unknown video codec id 12/);
  });

  it("refuses VP9, unknown FourCCs, multitrack and unknown packet types", () => {
    expectRefused(Buffer.concat([Buffer.from([0x90]), Buffer.from("vp09")]), /VP9 \(FourCC vp09\)/);
    expectRefused(Buffer.concat([Buffer.from([0x90]), Buffer.from("xyz1")]), /unknown video FourCC xyz1/);
    expectRefused(Buffer.from([0x90, 0, 1, 2, 3]), /unknown video FourCC 0x00010203/);
    expectRefused(Buffer.concat([Buffer.from([0x96, 0x00]), Buffer.from("hvc1")]), /multitrack/);
    expectRefused(Buffer.concat([Buffer.from([0x99]), Buffer.from("hvc1")]), /packet type 9/);
  });

  it("refuses truncated tags and invalid frame types", () => {
    expectRefused(Buffer.alloc(0), /empty/);
    expectRefused(Buffer.from([0x17, 1, 0]), /truncated/);
    expectRefused(Buffer.from([0x07, 1, 0, 0, 0]), /frame type 0/);
    expectRefused(Buffer.from([0x90, 0x68]), /truncated/);
    expectRefused(Buffer.concat([Buffer.from([0x91]), Buffer.from("hvc1"), Buffer.from([0])]), /composition time/);
    expectRefused(Buffer.from([0x97, 4, 1]), /ModEx/);
  });

  it("refuses garbage configuration records", () => {
    const avc = parseVideoTag(h264[0]!.data);
    if (avc.kind !== "config") throw new Error("no config");
    const cases: [Buffer, RegExp][] = [
      [Buffer.from([0x17, 0, 0, 0, 0, 1, 2]), /AVC configuration of 2 bytes is truncated/],
      [Buffer.concat([Buffer.from([0x17, 0, 0, 0, 0, 2]), avc.config.subarray(1)]), /version 2/],
      [Buffer.concat([Buffer.from([0x17, 0, 0, 0, 0]), avc.config.subarray(0, 8 + avc.config.readUInt16BE(6) + 3)]), /AVC PPS 1 of 1/],
      [Buffer.concat([Buffer.from([0x17, 0, 0, 0, 0]), avc.config.subarray(0, 5), Buffer.from([0xe0, 1])]), /no SPS/],
      [enhancedSequenceStart("hvc1", hevc.config.subarray(0, 30)), /HEVC/],
      [enhancedSequenceStart("hvc1", avc.config), /HEVC configuration of \d+ bytes is truncated|HEVC/],
      [enhancedSequenceStart("av01", Buffer.from([0x01, 0, 0, 0])), /marker 0 and version 1/],
      [enhancedSequenceStart("av01", Buffer.concat([av1.config.subarray(0, 4), Buffer.from([0x0a, 0x7f])])), /overruns/],
    ];
    for (const [tag, message] of cases) expectRefused(tag, message);
    expect(() => describeConfig("h264", Buffer.from("garbage in"))).toThrowError(/version 103/);
  });

  it("catches frames whose NAL length prefixes do not tile the payload", () => {
    const frame = parseVideoTag(h264[2]!.data);
    if (frame.kind !== "frame") throw new Error("no frame");
    const grown = Buffer.from(frame.payload);
    grown.writeUInt32BE(grown.readUInt32BE(0) + 1, 0);
    expect(() => checkFramePayload("h264", grown)).toThrowError(/overruns/);
    expect(() => checkFramePayload("h264", Buffer.concat([frame.payload, Buffer.from([0, 0])]))).toThrowError(/length prefix/);
    expect(() => checkFramePayload("h264", Buffer.from([0, 0, 0, 0]))).toThrowError(/empty NAL/);
    expect(() => checkFramePayload("hevc", Buffer.from([0, 0, 0, 2, 0x80, 1]))).toThrowError(/forbidden bit/);
    expect(() => checkFramePayload("av1", Buffer.from([0x12, 0x05, 1]))).toThrowError(/overruns/);
    expect(() => checkFramePayload("h264", Buffer.from("not a video frame at all"))).toThrowError(VideoTagError);
  });

  it("never throws anything but VideoTagError on mangled real tags", () => {
    // Deterministic mangling of real tags: truncations and byte flips over each kind of tag.
    const samples = [h264[0]!.data, h264[1]!.data, ...enhancedTags("hvc1", hevc).slice(0, 2).map((t) => t.data), ...enhancedTags("av01", av1).slice(0, 2).map((t) => t.data)];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    let refused = 0;
    for (const sample of samples) {
      for (let i = 0; i < 300; i++) {
        const mangled = Buffer.from(sample.subarray(0, 1 + (next() % sample.length)));
        for (let flips = next() % 4; flips > 0; flips--) mangled[next() % mangled.length] = next() % 256;
        try {
          const parsed = parseVideoTag(mangled);
          if (parsed.kind === "frame") checkFramePayload(parsed.codec, parsed.payload);
        } catch (error) {
          expect(error).toBeInstanceOf(VideoTagError);
          refused += 1;
        }
      }
    }
    expect(refused).toBeGreaterThan(samples.length * 100);
  });
});
