import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AVMEDIA_TYPE_VIDEO, FFmpegError, FormatContext, Packet } from "node-av";
import type { CodedFrame, VideoCodec } from "../../src/media/types";

/** A test clip: testsrc2 (a frame counter and moving pattern), encoded once, kept in the temp dir. */
export interface ClipOptions {
  codec: VideoCodec;
  width: number;
  height: number;
  /** Number of B-frames between references (H.264 only); 0: none. */
  bframes?: number;
  container?: "mp4" | "flv";
  seconds?: number;
  /** x264 intra refresh: no IDR at all, only recovery points (H.264 only). */
  intraRefresh?: boolean;
}

const FPS = 30;
const GOP_FRAMES = FPS * 2;

function encoderArgs(options: ClipOptions): string[] {
  const gop = ["-g", String(GOP_FRAMES), "-keyint_min", String(GOP_FRAMES)];
  switch (options.codec) {
    case "h264":
      return [
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", ...gop, "-sc_threshold", "0",
        "-bf", String(options.bframes ?? 0),
        ...(options.intraRefresh === true ? ["-x264-params", "intra-refresh=1"] : []),
      ];
    case "hevc":
      return ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-tag:v", "hvc1", "-x265-params", `keyint=${GOP_FRAMES}:min-keyint=${GOP_FRAMES}:log-level=error`];
    case "av1":
      return ["-c:v", "libsvtav1", "-preset", "12", "-pix_fmt", "yuv420p", ...gop];
  }
}

/** Encodes the clip with the ffmpeg CLI once per option set and returns its path. */
export function makeClip(options: ClipOptions): string {
  const container = options.container ?? "mp4";
  const seconds = options.seconds ?? 4;
  const name = [
    "livesnap-decode", options.codec, `${options.width}x${options.height}`, `bf${options.bframes ?? 0}`,
    options.intraRefresh === true ? "ir" : "idr", `${seconds}s-v1.${container}`,
  ].join("-");
  const dir = join(tmpdir(), "livesnap-decode-clips");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  if (existsSync(file)) return file;
  const partial = `${file}.${process.pid}.partial`;
  const result = spawnSync("ffmpeg", [
    "-hide_banner", "-loglevel", "error", "-y",
    "-f", "lavfi", "-i", `testsrc2=size=${options.width}x${options.height}:rate=${FPS}`,
    "-t", String(seconds), ...encoderArgs(options), "-f", container, partial,
  ], { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`ffmpeg could not encode ${name}: ${result.stderr || result.error?.message}`);
  renameSync(partial, file);
  return file;
}

export interface CodedClip {
  codec: VideoCodec;
  /** avcC / hvcC / av1C, as the sequence header of an RTMP stream carries it. */
  config: Buffer;
  width: number;
  height: number;
  /** All video packets in decode order: length-prefixed NAL units or OBUs, times in ms. */
  frames: CodedFrame[];
}

/** Demuxes a clip with node-av into the shape the capture engine hands to the decoder pool. */
export function readCodedClip(file: string, codec: VideoCodec): CodedClip {
  const input = new FormatContext();
  FFmpegError.throwIfError(input.openInputSync(file), `open ${file}`);
  try {
    FFmpegError.throwIfError(input.findStreamInfoSync(), `probe ${file}`);
    const stream = input.streams.find((s) => s.codecpar.codecType === AVMEDIA_TYPE_VIDEO);
    if (stream === undefined) throw new Error(`${file} has no video`);
    const config = stream.codecpar.extradata;
    if (config === null) throw new Error(`${file} has no decoder configuration`);
    const { num, den } = stream.timeBase;
    const ms = (t: bigint) => Math.round((Number(t) * 1000 * num) / den);
    const frames: CodedFrame[] = [];
    const packet = new Packet();
    packet.alloc();
    while (input.readFrameSync(packet) >= 0) {
      if (packet.streamIndex === stream.index && packet.data !== null) {
        frames.push({ dts: ms(packet.dts), pts: ms(packet.pts), keyframe: packet.isKeyframe, payload: Buffer.from(packet.data) });
      }
      packet.unref();
    }
    packet.free();
    return { codec, config: Buffer.from(config), width: stream.codecpar.width, height: stream.codecpar.height, frames };
  } finally {
    input.closeInputSync();
  }
}

/** The frames of one GOP, from its keyframe up to and including `count` frames in total. */
export function gopFrames(clip: CodedClip, gop: number, count: number): CodedFrame[] {
  const keys = clip.frames.flatMap((frame, i) => (frame.keyframe ? [i] : []));
  const start = keys[gop];
  if (start === undefined) throw new Error(`clip has no GOP ${gop}`);
  return clip.frames.slice(start, start + count);
}
