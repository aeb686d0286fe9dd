import { spawn } from "node:child_process";
import { Filter, FilterGraph, FilterInOut, Frame, Packet } from "node-av/lib";
import sharp from "sharp";
import { bench, describe } from "vitest";
import { VideoDecoder } from "../../src/decode/decode-frames";
import { createDecoderPool } from "../../src/decode/decoder-pool";
import { silentLogger } from "../../src/logger";
import type { DecodeJob, ImageSpec } from "../../src/media/types";
import { gopFrames, makeClip, readCodedClip, type CodedClip } from "../support/coded-frames";
import { fmt, mib, processCpuSeconds, processRssBytes } from "./capture-support";

/**
 * One image from one H.264 keyframe, three ways, on the same frames in the same run:
 * (a) the decoder pool's worker (node-av decode + FFmpeg filter + mjpeg), (b) node-av decode
 * then sharp for resize and JPEG, (c) a system ffmpeg per image fed Annex B on stdin (go2rtc).
 */
const IMAGES = 40;

const SIZES = [
  ["720p", 1280, 720],
  ["1080p", 1920, 1080],
] as const;
const SPECS: [string, ImageSpec][] = [
  ["JPG 640 wide", { format: "JPG", width: 640, height: null, fillMode: "STRETCH" }],
  ["JPG full size", { format: "JPG", width: null, height: null, fillMode: "STRETCH" }],
];

interface Row {
  way: string;
  source: string;
  output: string;
  cpuMs: number;
  wallMs: number;
  rss: string;
}

function keyframeJob(clip: CodedClip, spec: ImageSpec): DecodeJob {
  return { streamId: "bench", codec: "h264", config: clip.config, frames: gopFrames(clip, 0, 1), spec, priority: "scheduled" };
}

async function viaPool(clip: CodedClip, spec: ImageSpec): Promise<Omit<Row, "way" | "source" | "output">> {
  const pool = await createDecoderPool({ workers: 1, jobTimeoutMs: 10_000, logger: silentLogger() });
  try {
    const job = keyframeJob(clip, spec);
    await pool.decode(job);
    const pid = pool.workerPids()[0]!;
    const cpu0 = processCpuSeconds(pid)!;
    const t0 = performance.now();
    for (let i = 0; i < IMAGES; i++) await pool.decode(job);
    const wallMs = (performance.now() - t0) / IMAGES;
    return { cpuMs: ((processCpuSeconds(pid)! - cpu0) * 1000) / IMAGES, wallMs, rss: mib(processRssBytes(pid)!) };
  } finally {
    await pool.close();
  }
}

/** Decoded picture to packed RGB through a one-filter graph, the input sharp takes. */
function toRgb(frame: Frame): { data: Buffer; width: number; height: number } {
  const graph = new FilterGraph();
  graph.alloc();
  const source = graph.createFilter(Filter.getByName("buffer")!, "in", `video_size=${frame.width}x${frame.height}:pix_fmt=${frame.format}:time_base=1/1000:pixel_aspect=1/1`)!;
  const sink = graph.createFilter(Filter.getByName("buffersink")!, "out", null)!;
  graph.parsePtr("format=rgb24", FilterInOut.createList([{ name: "out", filterCtx: sink, padIdx: 0 }]), FilterInOut.createList([{ name: "in", filterCtx: source, padIdx: 0 }]));
  graph.configSync();
  source.buffersrcAddFrameSync(frame);
  const out = new Frame();
  out.alloc();
  sink.buffersinkGetFrameSync(out);
  const image = { data: out.toBuffer(), width: out.width, height: out.height };
  out.free();
  graph.free();
  return image;
}

async function viaSharp(clip: CodedClip, spec: ImageSpec): Promise<Omit<Row, "way" | "source" | "output">> {
  const job = keyframeJob(clip, spec);
  const decoder = new VideoDecoder("h264", clip.config);
  const packet = new Packet();
  packet.alloc();
  const frames: [Frame, Frame] = [new Frame(), new Frame()];
  for (const frame of frames) frame.alloc();
  const once = async () => {
    const picture = decoder.decodeLast(job, packet, frames)!;
    const { data, width, height } = toRgb(picture);
    let image = sharp(data, { raw: { width, height, channels: 3 } });
    if (spec.width !== null) image = image.resize(spec.width);
    // mozjpeg off, 4:2:0: close to mjpeg -q:v 2 in size.
    return image.jpeg({ quality: 92, chromaSubsampling: "4:2:0" }).toBuffer();
  };
  sharp.concurrency(1);
  await once();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < IMAGES; i++) await once();
  const wallMs = (performance.now() - t0) / IMAGES;
  const cpu = process.cpuUsage(cpu0);
  decoder.close();
  return { cpuMs: (cpu.user + cpu.system) / 1000 / IMAGES, wallMs, rss: `${mib(process.memoryUsage().rss)} (bench process)` };
}

/** avcC + length-prefixed NAL units to an Annex B byte stream with SPS/PPS in front. */
function annexB(clip: CodedClip): Buffer {
  const startCode = Buffer.from([0, 0, 0, 1]);
  const parts: Buffer[] = [];
  const avcc = clip.config;
  let p = 6;
  const sps = (avcc[5]! & 0x1f);
  for (let i = 0; i < sps; i++) {
    const length = avcc.readUInt16BE(p);
    parts.push(startCode, avcc.subarray(p + 2, p + 2 + length));
    p += 2 + length;
  }
  const pps = avcc[p]!;
  p += 1;
  for (let i = 0; i < pps; i++) {
    const length = avcc.readUInt16BE(p);
    parts.push(startCode, avcc.subarray(p + 2, p + 2 + length));
    p += 2 + length;
  }
  const keyframe = gopFrames(clip, 0, 1)[0]!.payload;
  for (let q = 0; q + 4 <= keyframe.length; ) {
    const length = keyframe.readUInt32BE(q);
    parts.push(startCode, keyframe.subarray(q + 4, q + 4 + length));
    q += 4 + length;
  }
  return Buffer.concat(parts);
}

/** One ffmpeg per image under /usr/bin/time, which reports its user+sys CPU and peak RSS. */
function ffmpegOnce(input: Buffer, spec: ImageSpec): Promise<{ cpuMs: number; rssKb: number }> {
  const vf = spec.width === null ? [] : ["-vf", `scale=${spec.width}:-1`];
  const child = spawn("/usr/bin/time", [
    "-f", "%U %S %M", "ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "h264", "-i", "pipe:0", "-frames:v", "1",
    ...vf, "-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p", "-f", "image2pipe", "pipe:1",
  ], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  let bytes = 0;
  child.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on("close", (code) => {
      const match = /(\d+\.\d+) (\d+\.\d+) (\d+)\s*$/.exec(stderr);
      if (code !== 0 || match === null || bytes === 0) return reject(new Error(`ffmpeg failed: ${stderr}`));
      resolve({ cpuMs: (Number(match[1]) + Number(match[2])) * 1000, rssKb: Number(match[3]) });
    });
  });
}

async function viaFfmpeg(clip: CodedClip, spec: ImageSpec): Promise<Omit<Row, "way" | "source" | "output">> {
  const input = annexB(clip);
  await ffmpegOnce(input, spec);
  let cpu = 0;
  let rss = 0;
  const t0 = performance.now();
  for (let i = 0; i < IMAGES; i++) {
    const run = await ffmpegOnce(input, spec);
    cpu += run.cpuMs;
    rss = Math.max(rss, run.rssKb);
  }
  return { cpuMs: cpu / IMAGES, wallMs: (performance.now() - t0) / IMAGES, rss: `${mib(rss * 1024)} peak` };
}

async function measure() {
  const rows: Row[] = [];
  for (const [source, width, height] of SIZES) {
    const clip = readCodedClip(makeClip({ codec: "h264", width, height }), "h264");
    for (const [output, spec] of SPECS) {
      for (const [way, run] of [
        ["(a) pool worker: node-av + FFmpeg filter/mjpeg", viaPool],
        ["(b) node-av decode + sharp", viaSharp],
        ["(c) ffmpeg CLI per image", viaFfmpeg],
      ] as const) {
        rows.push({ way, source, output, ...(await run(clip, spec)) });
      }
    }
  }
  const lines = [
    "| way | source | output | CPU ms / image | wall ms / image | RSS |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${r.way} | ${r.source} | ${r.output} | ${fmt(r.cpuMs, 1)} | ${fmt(r.wallMs, 1)} | ${r.rss} |`),
  ];
  console.log(`${IMAGES} images per cell, H.264 keyframe of a testsrc2 clip (libx264 veryfast)\n${lines.join("\n")}`);
}

describe("decoders compared", () => {
  bench("one keyframe to one image, three ways", measure, { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 });
});
