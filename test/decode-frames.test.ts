import { spawnSync } from "node:child_process";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { readImageInfo } from "../src/capture/image-info";
import { DecodeError, FrameDecoder } from "../src/decode/decode-frames";
import type { CodedFrame, DecodeJob, ImageSpec } from "../src/media/types";
import { gopFrames, makeClip, readCodedClip, type ClipOptions, type CodedClip } from "./support/coded-frames";

const clips = new Map<string, CodedClip>();
function clip(options: ClipOptions): CodedClip {
  const key = JSON.stringify(options);
  let found = clips.get(key);
  if (found === undefined) {
    found = readCodedClip(makeClip(options), options.codec);
    clips.set(key, found);
  }
  return found;
}

const h264 = () => clip({ codec: "h264", width: 1280, height: 720 });
const h264BFrames = () => clip({ codec: "h264", width: 1280, height: 720, bframes: 2 });

const decoder = new FrameDecoder();
afterAll(() => decoder.close());

const spec = (fields: Partial<ImageSpec> = {}): ImageSpec => ({ format: "JPG", width: null, height: null, fillMode: "STRETCH", ...fields });

function job(source: CodedClip, frames: CodedFrame[], imageSpec: ImageSpec = spec()): DecodeJob {
  return { streamId: "s1", codec: source.codec, config: source.config, frames, spec: imageSpec, priority: "scheduled" };
}

async function rgb(image: Buffer) {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function pixel(raw: { data: Buffer; width: number }, x: number, y: number): number[] {
  const at = (y * raw.width + x) * 3;
  return [raw.data[at]!, raw.data[at + 1]!, raw.data[at + 2]!];
}

/** Frame `index` of a clip as the system ffmpeg CLI decodes it, as raw RGB. */
function ffmpegFrame(file: string, index: number): Buffer {
  const result = spawnSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-i", file, "-vf", `select=eq(n\\,${index})`, "-frames:v", "1",
    "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
  ], { maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`ffmpeg: ${result.stderr.toString()}`);
  return result.stdout;
}

const meanDifference = (a: Buffer, b: Buffer) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
};

describe("FrameDecoder", () => {
  it("gives a full-size JPG from a lone IDR", () => {
    const image = decoder.decode(job(h264(), gopFrames(h264(), 0, 1)));
    expect(image.data.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(readImageInfo(image.data)).toEqual({ format: "JPG", width: 1280, height: 720 });
    expect(image).toMatchObject({ format: "JPG", width: 1280, height: 720 });
  });

  it.each([
    [spec({ format: "PNG" }), 1280, 720],
    [spec({ width: 640 }), 640, 360],
    [spec({ height: 101 }), 180, 101],
    [spec({ format: "PNG", width: 333 }), 333, 187],
    [spec({ width: 301, height: 199, fillMode: "STRETCH" }), 301, 199],
    [spec({ width: 301, height: 199, fillMode: "PAD_BLACK" }), 301, 199],
    [spec({ width: 301, height: 199, fillMode: "PAD_WHITE" }), 301, 199],
    [spec({ width: 301, height: 199, fillMode: "BLUR" }), 301, 199],
    [spec({ format: "PNG", width: 255, height: 255, fillMode: "BLUR" }), 255, 255],
  ])("encodes %j at %ix%i exactly", (imageSpec, width, height) => {
    const image = decoder.decode(job(h264(), gopFrames(h264(), 0, 1), imageSpec));
    expect(readImageInfo(image.data)).toEqual({ format: imageSpec.format, width, height });
    expect(image).toMatchObject({ format: imageSpec.format, width, height });
  });

  it("pads with black for PAD_BLACK and with white for PAD_WHITE", async () => {
    // 16:9 into a square: bands above and below the picture.
    const frames = gopFrames(h264(), 0, 1);
    const black = await rgb(decoder.decode(job(h264(), frames, spec({ width: 301, height: 301, fillMode: "PAD_BLACK" }))).data);
    const white = await rgb(decoder.decode(job(h264(), frames, spec({ width: 301, height: 301, fillMode: "PAD_WHITE" }))).data);
    for (const [x, y] of [[150, 5], [10, 295]] as const) {
      for (const channel of pixel(black, x, y)) expect(channel).toBeLessThan(20);
      for (const channel of pixel(white, x, y)) expect(channel).toBeGreaterThan(235);
    }
    // The picture itself (testsrc2's red bar at the left) is neither.
    for (const raw of [black, white]) expect(pixel(raw, 20, 150)[0]).toBeGreaterThan(180);
    for (const raw of [black, white]) expect(pixel(raw, 20, 150)[1]).toBeLessThan(60);
  });

  it("gives an image from a lone IDR of a stream with B-frames (the decoder is drained)", () => {
    const image = decoder.decode(job(h264BFrames(), gopFrames(h264BFrames(), 1, 1)));
    expect(readImageInfo(image.data)).toEqual({ format: "JPG", width: 1280, height: 720 });
  });

  it.each([
    ["without B-frames", { codec: "h264", width: 1280, height: 720 }],
    ["with B-frames", { codec: "h264", width: 1280, height: 720, bframes: 2 }],
  ] as const)("encodes the last frame of a keyframe + 45 frames %s, as ffmpeg decodes it", async (_, options) => {
    const source = clip(options);
    const frames = gopFrames(source, 1, 46);
    const image = decoder.decode(job(source, frames, spec({ format: "PNG" })));
    // The last picture out is the latest in presentation order; 30 fps clips.
    const index = Math.round((Math.max(...frames.map((f) => f.pts)) * 30) / 1000);
    const ours = (await rgb(image.data)).data;
    const theirs = ffmpegFrame(makeClip(options), index);
    const keyframe = ffmpegFrame(makeClip(options), 60);
    expect(ours.length).toBe(theirs.length);
    expect(meanDifference(ours, theirs)).toBeLessThan(1.5);
    expect(meanDifference(ours, keyframe)).toBeGreaterThan(3 * meanDifference(ours, theirs) + 1);
  });

  it("gives an image from frames without a keyframe (intra refresh, joined mid-stream)", () => {
    const source = clip({ codec: "h264", width: 1280, height: 720, intraRefresh: true });
    const frames = source.frames.slice(70, 120);
    expect(frames.some((f) => f.keyframe)).toBe(false);
    const image = decoder.decode(job(source, frames));
    expect(readImageInfo(image.data)).toEqual({ format: "JPG", width: 1280, height: 720 });
  });

  it.each([
    ["1080p H.264", { codec: "h264", width: 1920, height: 1080 }, 1920, 1080],
    ["HEVC", { codec: "hevc", width: 1280, height: 720 }, 1280, 720],
    ["AV1", { codec: "av1", width: 1280, height: 720 }, 1280, 720],
    ["H.264 from FLV", { codec: "h264", width: 1280, height: 720, container: "flv" }, 1280, 720],
  ] as const)("decodes %s, keyframe alone and keyframe + 45 frames", (_, options, width, height) => {
    const source = clip(options);
    for (const count of [1, 46]) {
      const image = decoder.decode(job(source, gopFrames(source, 1, count), spec({ format: "PNG", width: 640 })));
      expect(readImageInfo(image.data)).toEqual({ format: "PNG", width: 640, height: Math.round((640 * height) / width) });
    }
  });

  it("fails garbage NAL units, a mismatched config and no frames with a clear error, then decodes again", () => {
    const garbage = { dts: 0, pts: 0, keyframe: true, payload: Buffer.from([0, 0, 0, 8, 0x65, 0x88, 1, 2, 3, 4, 5, 6]) };
    expect(() => decoder.decode(job(h264(), [garbage]))).toThrow(DecodeError);
    expect(() => decoder.decode(job(h264(), [garbage]))).toThrow(/h264 decoder/);
    const hevc = clip({ codec: "hevc", width: 1280, height: 720 });
    expect(() => decoder.decode({ ...job(hevc, gopFrames(hevc, 0, 1)), codec: "h264" })).toThrow(/h264 decoder/);
    expect(() => decoder.decode(job(h264(), []))).toThrow(/no frames/);
    const image = decoder.decode(job(h264(), gopFrames(h264(), 0, 1)));
    expect(readImageInfo(image.data)).toEqual({ format: "JPG", width: 1280, height: 720 });
  });

  it("gives the same image whether contexts are kept between jobs or opened per job", () => {
    const fresh = new FrameDecoder({ keep: 0 });
    try {
      const frames = gopFrames(h264BFrames(), 1, 10);
      decoder.decode(job(h264BFrames(), gopFrames(h264BFrames(), 0, 30)));
      const kept = decoder.decode(job(h264BFrames(), frames));
      expect(fresh.decode(job(h264BFrames(), frames)).data.equals(kept.data)).toBe(true);
    } finally {
      fresh.close();
    }
  });
});
