import {
  AV_CODEC_FLAG2_SHOW_ALL,
  AV_CODEC_FLAG_OUTPUT_CORRUPT,
  AV_CODEC_FLAG_QSCALE,
  AV_LOG_QUIET,
  AV_PIX_FMT_RGB24,
  AV_PIX_FMT_YUVJ420P,
  AVERROR_EAGAIN,
  AVERROR_EOF,
  FF_DECODER_H264,
  FF_DECODER_HEVC,
  FF_DECODER_LIBDAV1D,
  FF_ENCODER_MJPEG,
  FF_ENCODER_PNG,
  FF_QP2LAMBDA,
} from "node-av/constants";
// node-av/lib alone: the package root also loads the high-level API, ~6 MiB more per worker.
import { Codec, CodecContext, FFmpegError, Filter, FilterGraph, FilterInOut, Frame, Log, Packet, Rational, type FilterContext } from "node-av/lib";
import type { DecodeJob, DecodedImage, ImageSpec, VideoCodec } from "../media/types";
import { imageFilter } from "./size-filter";

/** A job that cannot give an image; the message names what was wrong with the input. */
export class DecodeError extends Error {
  override name = "DecodeError";
}

/** libdav1d is faster than FFmpeg's own AV1 decoder, which only wraps hardware decoders. */
const DECODER_NAMES = { h264: FF_DECODER_H264, hevc: FF_DECODER_HEVC, av1: FF_DECODER_LIBDAV1D } as const satisfies Record<VideoCodec, unknown>;

/** Coded frames are stamped in milliseconds of stream time. */
const MS = new Rational(1, 1000);

function check(code: number, what: string): void {
  if (code < 0) throw new DecodeError(`${what}: ${FFmpegError.strerror(code)}`);
}

export class VideoDecoder {
  readonly context = new CodecContext();

  constructor(codec: VideoCodec, config: Buffer) {
    const found = Codec.findDecoderByName(DECODER_NAMES[codec]);
    if (found === null) throw new DecodeError(`no ${codec} decoder in this FFmpeg build`);
    this.context.allocContext3(found);
    this.context.extraData = config;
    this.context.pktTimebase = MS;
    // The pool runs one job per worker and as many workers as cores: threads only add memory.
    this.context.threadCount = 1;
    // Without these the decoder drops every frame before the first keyframe, so a source that
    // never sends one (intra refresh) or a job starting mid-GOP would give no image at all.
    this.context.setFlags(AV_CODEC_FLAG_OUTPUT_CORRUPT);
    this.context.setFlags2(AV_CODEC_FLAG2_SHOW_ALL);
    const opened = this.context.open2Sync(found, null);
    if (opened < 0) {
      this.context.freeContext();
      throw new DecodeError(`the ${codec} decoder does not accept this configuration: ${FFmpegError.strerror(opened)}`);
    }
  }

  /**
   * Decodes the frames in order, then drains the decoder: with B-frames in the stream an
   * H.264 decoder holds even a lone IDR until it is told no more input follows. Returns the
   * last picture that came out, or null.
   */
  decodeLast(job: DecodeJob, packet: Packet, frames: [Frame, Frame]): Frame | null {
    let [spare, last] = frames;
    let got = false;
    let firstError: string | null = null;
    const receive = () => {
      for (;;) {
        const code = this.context.receiveFrameSync(spare);
        if (code === AVERROR_EAGAIN || code === AVERROR_EOF) return;
        check(code, "decoding");
        [spare, last] = [last, spare];
        spare.unref();
        got = true;
      }
    };
    for (const coded of job.frames) {
      packet.unref();
      packet.data = coded.payload;
      packet.pts = BigInt(coded.pts);
      packet.dts = BigInt(coded.dts);
      packet.isKeyframe = coded.keyframe;
      const sent = this.context.sendPacketSync(packet);
      // One broken frame does not spoil the job if a later one still decodes.
      if (sent < 0 && sent !== AVERROR_EAGAIN) firstError ??= FFmpegError.strerror(sent);
      receive();
    }
    packet.unref();
    check(this.context.sendPacketSync(null), "draining the decoder");
    receive();
    // Back to a clean state after the end of stream, ready for the next job.
    this.context.flushBuffers();
    if (!got && firstError !== null) throw new DecodeError(`the ${job.codec} decoder rejected the frames: ${firstError}`);
    return got ? last : null;
  }

  close(): void {
    this.context.freeContext();
  }
}

/** Input properties a filter graph is configured for: a frame that differs needs another graph. */
function frameKey(frame: Frame): string {
  const sar = frame.sampleAspectRatio;
  return `${frame.width}x${frame.height}:${frame.format}:${sar.num}/${sar.den}:${frame.colorSpace}:${frame.colorRange}`;
}

class ImagePipeline {
  private readonly graph = new FilterGraph();
  private readonly source: FilterContext;
  private readonly sink: FilterContext;
  private readonly encoder = new CodecContext();
  private readonly filtered = new Frame();
  private readonly encoded = new Packet();
  /** Encoders refuse a timestamp that does not grow; a kept pipeline numbers its images. */
  private images = 0;

  constructor(
    readonly spec: ImageSpec,
    frame: Frame,
  ) {
    this.filtered.alloc();
    this.encoded.alloc();
    this.graph.alloc();
    this.graph.nbThreads = 1;
    const sar = frame.sampleAspectRatio;
    const source = this.graph.createFilter(
      Filter.getByName("buffer")!,
      "in",
      `video_size=${frame.width}x${frame.height}:pix_fmt=${frame.format}:time_base=1/1000:` +
        `pixel_aspect=${sar.num || 1}/${sar.den || 1}:colorspace=${frame.colorSpace}:range=${frame.colorRange}`,
    );
    const sink = this.graph.createFilter(Filter.getByName("buffersink")!, "out", null);
    if (source === null || sink === null) throw new DecodeError("cannot create the filter graph");
    this.source = source;
    this.sink = sink;
    const outputs = FilterInOut.createList([{ name: "in", filterCtx: source, padIdx: 0 }]);
    const inputs = FilterInOut.createList([{ name: "out", filterCtx: sink, padIdx: 0 }]);
    check(this.graph.parsePtr(imageFilter(spec), inputs, outputs), "building the filter graph");
    check(this.graph.configSync(), "configuring the filter graph");
  }

  /** Filters and encodes one picture. The encoder is opened on the first frame out of the graph. */
  encode(frame: Frame): DecodedImage {
    check(this.source.buffersrcAddFrameSync(frame), "filtering");
    this.filtered.unref();
    check(this.sink.buffersinkGetFrameSync(this.filtered), "filtering");
    if (!this.encoder.isOpen) this.openEncoder(this.filtered);
    this.filtered.pts = BigInt(this.images++);
    check(this.encoder.sendFrameSync(this.filtered), "encoding");
    this.encoded.unref();
    check(this.encoder.receivePacketSync(this.encoded), "encoding");
    const data = this.encoded.data;
    if (data === null) throw new DecodeError("the encoder gave no image");
    return { format: this.spec.format, data: Buffer.from(data), width: this.filtered.width, height: this.filtered.height };
  }

  private openEncoder(frame: Frame): void {
    const png = this.spec.format === "PNG";
    const codec = Codec.findEncoderByName(png ? FF_ENCODER_PNG : FF_ENCODER_MJPEG);
    if (codec === null) throw new DecodeError(`no ${png ? "png" : "mjpeg"} encoder in this FFmpeg build`);
    this.encoder.allocContext3(codec);
    this.encoder.width = frame.width;
    this.encoder.height = frame.height;
    this.encoder.pixelFormat = png ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUVJ420P;
    this.encoder.timeBase = MS;
    this.encoder.sampleAspectRatio = frame.sampleAspectRatio;
    this.encoder.colorRange = frame.colorRange;
    // An image leaves a frame-threaded encoder only when the next frame enters.
    this.encoder.threadCount = 1;
    if (!png) {
      // -q:v 2: near the top of mjpeg's 2..31 quality scale.
      this.encoder.setFlags(AV_CODEC_FLAG_QSCALE);
      this.encoder.globalQuality = 2 * FF_QP2LAMBDA;
    }
    check(this.encoder.open2Sync(codec, null), "opening the image encoder");
  }

  close(): void {
    this.graph.free();
    this.encoder.freeContext();
    this.filtered.free();
    this.encoded.free();
  }
}

/** A small map that drops its least recently used entry beyond `capacity`. */
class Lru<T extends { close(): void }> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  take(key: string, create: () => T): T {
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const created = create();
    if (this.capacity === 0) return created;
    this.entries.set(key, created);
    for (const [oldKey, old] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldKey);
      old.close();
    }
    return created;
  }

  /** Closes an entry that is not kept (capacity 0), or drops a kept one that failed. */
  release(key: string, entry: T, failed: boolean): void {
    if (this.entries.get(key) !== entry) {
      entry.close();
    } else if (failed) {
      this.entries.delete(key);
      entry.close();
    }
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.close();
    this.entries.clear();
  }
}

export interface FrameDecoderOptions {
  /**
   * Decoder contexts kept between jobs, keyed by codec and configuration; 0 opens one per job.
   * Image pipelines (filter graph + encoder) are kept as many, keyed by spec and frame size.
   */
  keep?: number;
}

/** Turns decode jobs into images, one at a time, in the calling thread. */
export class FrameDecoder {
  private readonly decoders: Lru<VideoDecoder>;
  private readonly pipelines: Lru<ImagePipeline>;
  private readonly packet = new Packet();
  private readonly frames: [Frame, Frame] = [new Frame(), new Frame()];

  constructor(options: FrameDecoderOptions = {}) {
    // Errors reach the caller as DecodeError; FFmpeg's own log would only repeat them per frame.
    Log.setLevel(AV_LOG_QUIET);
    const keep = options.keep ?? 4;
    this.decoders = new Lru(keep);
    this.pipelines = new Lru(keep);
    this.packet.alloc();
    for (const frame of this.frames) frame.alloc();
  }

  decode(job: DecodeJob): DecodedImage {
    if (job.frames.length === 0) throw new DecodeError("no frames to decode");
    const decoderKey = `${job.codec}:${job.config.toString("base64")}`;
    const decoder = this.decoders.take(decoderKey, () => new VideoDecoder(job.codec, job.config));
    let picture: Frame | null;
    let failed = true;
    try {
      picture = decoder.decodeLast(job, this.packet, this.frames);
      failed = false;
    } finally {
      this.decoders.release(decoderKey, decoder, failed);
    }
    if (picture === null) throw new DecodeError(`the ${job.codec} decoder gave no picture from ${job.frames.length} frame(s)`);
    try {
      const pipelineKey = `${JSON.stringify(job.spec)}:${frameKey(picture)}`;
      const pipeline = this.pipelines.take(pipelineKey, () => new ImagePipeline(job.spec, picture));
      failed = true;
      try {
        const image = pipeline.encode(picture);
        failed = false;
        return image;
      } finally {
        this.pipelines.release(pipelineKey, pipeline, failed);
      }
    } finally {
      for (const frame of this.frames) frame.unref();
    }
  }

  close(): void {
    this.decoders.clear();
    this.pipelines.clear();
    this.packet.free();
    for (const frame of this.frames) frame.free();
  }
}
