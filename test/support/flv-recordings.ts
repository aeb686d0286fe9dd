import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { VideoTag } from "../../src/media/types.js";

const run = promisify(execFile);
/** Recordings are made once per machine and reused: they depend on their ffmpeg arguments only. */
const RECORDINGS_DIR = path.join(os.tmpdir(), "livesnap-media-recordings");

export interface FlvTag {
  /** 8 audio, 9 video, 18 script data. */
  type: number;
  timestamp: number;
  data: Buffer;
}

/** Reads the tags of an FLV file (header, then tag + previous-tag-size pairs). */
export function readFlvTags(file: Buffer): FlvTag[] {
  if (file.toString("latin1", 0, 3) !== "FLV") throw new Error("not an FLV file");
  const tags: FlvTag[] = [];
  let offset = file.readUInt32BE(5) + 4;
  while (offset + 11 <= file.length) {
    const type = file[offset]! & 0x1f;
    const size = file.readUIntBE(offset + 1, 3);
    const timestamp = (file.readUIntBE(offset + 4, 3) | (file[offset + 7]! << 24)) >>> 0;
    const start = offset + 11;
    if (start + size > file.length) throw new Error(`FLV tag at byte ${offset} is truncated`);
    tags.push({ type, timestamp, data: file.subarray(start, start + size) });
    offset = start + size + 4;
  }
  return tags;
}

/** The video tags of an FLV file, as a TagSource hands them over. */
export function videoTags(tags: FlvTag[]): VideoTag[] {
  return tags.filter((t) => t.type === 9).map((t) => ({ timestamp: t.timestamp, data: t.data }));
}

export interface H264RecordingOptions {
  seconds: number;
  /** Keyframe interval in frames. */
  gop: number;
  fps?: number;
  size?: string;
  bframes?: number;
  /** Audio from 0, video from this offset: the stream's first tags are audio. */
  videoOffsetSeconds?: number;
  /** x264 periodic intra refresh instead of keyframes after the first. */
  intraRefresh?: boolean;
}

/** Records an H.264 FLV with ffmpeg/libx264 as a publisher would send it; returns its tags. */
export async function recordH264Flv(options: H264RecordingOptions): Promise<FlvTag[]> {
  const fps = options.fps ?? 30;
  const args = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"];
  if (options.videoOffsetSeconds !== undefined) {
    args.push("-f", "lavfi", "-i", "anullsrc=r=44100:cl=mono", "-itsoffset", String(options.videoOffsetSeconds));
  }
  args.push("-f", "lavfi", "-i", `testsrc2=size=${options.size ?? "160x90"}:rate=${fps}`, "-t", String(options.seconds));
  args.push(
    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-b:v", "60k", "-threads", "1",
    "-bf", String(options.bframes ?? 3), "-g", String(options.gop), "-keyint_min", String(options.gop), "-sc_threshold", "0",
  );
  if (options.intraRefresh) args.push("-x264-params", "intra-refresh=1");
  if (options.videoOffsetSeconds !== undefined) args.push("-map", "1:v", "-map", "0:a", "-c:a", "aac", "-b:a", "16k", "-shortest");
  args.push("-f", "flv");
  return readFlvTags(await readFile(await recording(args, "flv")));
}

/** Records a short MP4 with ffmpeg (HEVC via libx265, AV1 via libsvtav1); returns its path. */
export async function recordMp4(codec: "hevc" | "av1", seconds = 1): Promise<string> {
  const args = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x96:rate=30", "-t", String(seconds)];
  if (codec === "hevc") args.push("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:keyint=15:bframes=2", "-tag:v", "hvc1");
  else args.push("-c:v", "libsvtav1", "-preset", "12", "-g", "15", "-svtav1-params", "lp=1");
  args.push("-f", "mp4");
  return recording(args, "mp4");
}

async function recording(args: string[], ext: string): Promise<string> {
  const key = createHash("sha256").update(args.join("\0")).digest("hex").slice(0, 16);
  const file = path.join(RECORDINGS_DIR, `${key}.${ext}`);
  if (await stat(file).then(() => true, () => false)) return file;
  await mkdir(RECORDINGS_DIR, { recursive: true });
  // Test files run in parallel: write aside, then rename into place atomically.
  const partial = `${file}.${process.pid}.partial`;
  await run("ffmpeg", [...args, partial], { timeout: 60_000 });
  await rename(partial, file);
  return file;
}

export interface CodedStream {
  /** The decoder configuration record (hvcC / av1C) the MP4 carries. */
  config: Buffer;
  packets: { dtsMs: number; ptsMs: number; keyframe: boolean; data: Buffer }[];
}

/** Demuxes an MP4's video with node-av (FFmpeg 8.1): its configuration record and its packets. */
export async function demuxMp4Video(file: string): Promise<CodedStream> {
  const { FormatContext, Packet } = await import("node-av/lib");
  const { AVMEDIA_TYPE_VIDEO } = await import("node-av/constants");
  const ctx = new FormatContext();
  if ((await ctx.openInput(file)) < 0 || (await ctx.findStreamInfo()) < 0) throw new Error(`cannot open ${file}`);
  try {
    const index = ctx.findBestStream(AVMEDIA_TYPE_VIDEO);
    const stream = ctx.streams[index]!;
    const config = stream.codecpar.extradata;
    if (!config) throw new Error(`${file} has no configuration record`);
    const { num, den } = stream.timeBase;
    const ms = (t: bigint) => Math.round((Number(t) * 1000 * num) / den);
    const packets: CodedStream["packets"] = [];
    const packet = new Packet();
    packet.alloc();
    try {
      while ((await ctx.readFrame(packet)) >= 0) {
        if (packet.streamIndex === index && packet.data) {
          packets.push({ dtsMs: ms(packet.dts), ptsMs: ms(packet.pts), keyframe: packet.isKeyframe, data: Buffer.from(packet.data) });
        }
        packet.unref();
      }
    } finally {
      packet.free();
    }
    return { config: Buffer.from(config), packets };
  } finally {
    await ctx.closeInput();
  }
}

const EX_HEADER = 0x80;

/** An Enhanced RTMP SequenceStart tag body. */
export function enhancedSequenceStart(fourCc: string, config: Buffer): Buffer {
  return Buffer.concat([Buffer.from([EX_HEADER | (1 << 4) | 0]), Buffer.from(fourCc, "latin1"), config]);
}

/**
 * An Enhanced RTMP frame tag body: CodedFrames with a composition time for avc1/hvc1 when it
 * is not zero (as OBS does), else CodedFramesX.
 */
export function enhancedFrame(fourCc: string, keyframe: boolean, compositionTimeMs: number, payload: Buffer): Buffer {
  const frameType = keyframe ? 1 : 2;
  const withTime = fourCc !== "av01" && compositionTimeMs !== 0;
  const head = Buffer.from([EX_HEADER | (frameType << 4) | (withTime ? 1 : 3)]);
  const time = Buffer.alloc(withTime ? 3 : 0);
  if (withTime) time.writeIntBE(compositionTimeMs, 0, 3);
  return Buffer.concat([head, Buffer.from(fourCc, "latin1"), time, payload]);
}

/** The Enhanced RTMP tags a publisher would send for a demuxed stream, timestamps from 0. */
export function enhancedTags(fourCc: string, coded: CodedStream): VideoTag[] {
  const start = coded.packets[0]?.dtsMs ?? 0;
  return [
    { timestamp: 0, data: enhancedSequenceStart(fourCc, coded.config) },
    ...coded.packets.map((p) => ({
      timestamp: p.dtsMs - start,
      data: enhancedFrame(fourCc, p.keyframe, p.ptsMs - p.dtsMs, p.data),
    })),
  ];
}
