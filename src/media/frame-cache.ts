/**
 * Per-stream memory of what a decoder needs to produce an image now: the current codec
 * configuration and the frames since the newest keyframe, copied out of the tag buffers.
 * Guarantees: `bytes` never exceeds `maxBytes` (oldest frames go first, and the cache then says
 * it no longer starts at a keyframe); decode timestamps are unwrapped from RTMP's 32 bits and
 * never go backwards or leap (wraps continue, jumps are re-anchored and counted); a tag that
 * fails to parse or check leaves the cache exactly as it was.
 */
import { checkFramePayload, describeConfig, parseVideoTag, VideoTagError, type ConfigInfo } from "./flv-video.js";
import type { CodedFrame, VideoCodec, VideoTag } from "./types.js";

export const DEFAULT_FRAME_CACHE_BYTES = 8 * 1024 * 1024;
/** Consecutive frames further apart than this on the stream clock are a discontinuity. */
export const DEFAULT_MAX_FRAME_GAP_MS = 60_000;
/** Step given to a re-anchored frame when no plausible frame duration has been seen yet. */
const FALLBACK_FRAME_STEP_MS = 33;
const TIMESTAMP_RANGE = 2 ** 32;

export interface FrameCacheOptions {
  /** Cap on configuration plus kept frame payloads, in bytes. */
  maxBytes?: number;
  /** A forward step larger than this between consecutive frames is a discontinuity. */
  maxFrameGapMs?: number;
}

export type FramePushResult =
  /** A configuration was taken; `changed` is false when it repeats the current one byte for byte. */
  | { kind: "config"; codec: VideoCodec; info: ConfigInfo; changed: boolean }
  /** A frame was kept; a keyframe starts a new group and the older frames were released. */
  | { kind: "frame" | "keyframe"; frame: CodedFrame; discontinuity: boolean }
  /** Nothing to keep: end of sequence, metadata, or a frame before any configuration. */
  | { kind: "ignored"; why: string }
  /** The tag was refused; the cache is unchanged (except for an oversized frame, see below). */
  | { kind: "error"; error: VideoTagError };

export interface FrameCacheStats {
  configs: number;
  frames: number;
  /** Frames that arrived before any sequence header. */
  missingSequenceHeader: number;
  /** Timestamp jumps backwards or beyond maxFrameGapMs. */
  discontinuities: number;
  /** Frames released to stay under the byte cap before their keyframe group ended. */
  droppedForCap: number;
  errors: number;
}

export class FrameCache {
  readonly maxBytes: number;
  private readonly maxFrameGapMs: number;
  private codecValue: VideoCodec | null = null;
  private configValue: Buffer | null = null;
  private infoValue: ConfigInfo | null = null;
  private frames: CodedFrame[] = [];
  private frameBytes = 0;
  private startsAtKeyframeValue = false;
  private lastRawTimestamp: number | null = null;
  private lastDts = 0;
  private lastStep = 0;
  private lastArrival = 0;
  readonly stats: FrameCacheStats = { configs: 0, frames: 0, missingSequenceHeader: 0, discontinuities: 0, droppedForCap: 0, errors: 0 };

  constructor(options: FrameCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_FRAME_CACHE_BYTES;
    this.maxFrameGapMs = options.maxFrameGapMs ?? DEFAULT_MAX_FRAME_GAP_MS;
  }

  get codec(): VideoCodec | null {
    return this.codecValue;
  }
  get config(): Buffer | null {
    return this.configValue;
  }
  get configInfo(): ConfigInfo | null {
    return this.infoValue;
  }
  /** Configuration plus kept frame payloads. */
  get bytes(): number {
    return (this.configValue?.length ?? 0) + this.frameBytes;
  }
  /** True when the oldest kept frame is a keyframe, i.e. the kept frames decode cleanly. */
  get startsAtKeyframe(): boolean {
    return this.startsAtKeyframeValue;
  }
  /** Arrival time of the newest kept frame. */
  get lastArrivalMs(): number {
    return this.lastArrival;
  }

  /** Takes one video tag as it arrived; `arrivalMs` is the wall clock of its arrival. */
  push(tag: VideoTag, arrivalMs: number): FramePushResult {
    let parsed;
    try {
      parsed = parseVideoTag(tag.data);
    } catch (error) {
      return this.refuse(error);
    }
    if (parsed.kind === "ignored") return parsed;
    if (parsed.kind === "config") return this.takeConfig(parsed.codec, parsed.config);
    if (this.codecValue === null || this.infoValue === null) {
      this.stats.missingSequenceHeader += 1;
      return { kind: "ignored", why: "missing sequence header" };
    }
    if (parsed.codec !== this.codecValue)
      return this.refuse(new VideoTagError(`${parsed.codec} frame on a stream configured for ${this.codecValue}`));
    try {
      checkFramePayload(parsed.codec, parsed.payload, "nalLengthSize" in this.infoValue ? this.infoValue.nalLengthSize : 4);
    } catch (error) {
      return this.refuse(error);
    }
    const limit = this.maxBytes - (this.configValue?.length ?? 0);
    if (parsed.payload.length > limit) {
      // Later frames may depend on this one: the group is broken until the next keyframe.
      this.stats.droppedForCap += this.frames.length + 1;
      this.clearFrames();
      return this.refuse(new VideoTagError(`frame of ${parsed.payload.length} bytes exceeds the ${this.maxBytes}-byte frame cache`));
    }

    const { dts, discontinuity } = this.unwrap(tag.timestamp);
    const frame: CodedFrame = {
      dts,
      pts: dts + parsed.compositionTimeMs,
      keyframe: parsed.keyframe,
      payload: Buffer.from(parsed.payload),
    };
    if (frame.keyframe) {
      this.clearFrames();
      this.startsAtKeyframeValue = true;
    } else if (this.frames.length === 0) {
      this.startsAtKeyframeValue = false;
    }
    while (this.frames.length > 0 && this.frameBytes + frame.payload.length > limit) {
      this.frameBytes -= this.frames.shift()!.payload.length;
      this.startsAtKeyframeValue = false;
      this.stats.droppedForCap += 1;
    }
    this.frames.push(frame);
    this.frameBytes += frame.payload.length;
    this.lastArrival = arrivalMs;
    this.stats.frames += 1;
    return { kind: frame.keyframe ? "keyframe" : "frame", frame, discontinuity };
  }

  /** The newest keyframe, alone (for an on-demand image), or null when none is kept. */
  keyframe(): CodedFrame | null {
    return this.startsAtKeyframeValue ? this.frames[0]! : null;
  }

  /** All kept frames, oldest first: from the newest keyframe when `startsAtKeyframe`. */
  framesSinceKeyframe(): CodedFrame[] {
    return this.frames.slice();
  }

  /** Kept frames up to and including the newest one whose dts is at most `dts`. */
  framesThrough(dts: number): CodedFrame[] {
    let end = this.frames.length;
    while (end > 0 && this.frames[end - 1]!.dts > dts) end -= 1;
    return this.frames.slice(0, end);
  }

  private takeConfig(codec: VideoCodec, config: Buffer): FramePushResult {
    let info: ConfigInfo;
    try {
      info = describeConfig(codec, config);
    } catch (error) {
      return this.refuse(error);
    }
    if (codec === this.codecValue && this.configValue?.equals(config)) {
      return { kind: "config", codec, info, changed: false };
    }
    if (config.length > this.maxBytes) {
      return this.refuse(new VideoTagError(`configuration of ${config.length} bytes exceeds the ${this.maxBytes}-byte frame cache`));
    }
    // Frames coded against the old configuration (another resolution, another codec) cannot be
    // decoded with the new one.
    this.clearFrames();
    this.codecValue = codec;
    this.configValue = Buffer.from(config);
    this.infoValue = info;
    this.stats.configs += 1;
    return { kind: "config", codec, info, changed: true };
  }

  /**
   * RTMP timestamps are 32-bit milliseconds. A step forward within maxFrameGapMs (mod 2^32, so
   * a wrap is a small step) continues the clock; anything else re-anchors it one frame
   * duration after the previous frame, so spans measured on it stay plausible.
   */
  private unwrap(raw: number): { dts: number; discontinuity: boolean } {
    const value = raw >>> 0;
    if (this.lastRawTimestamp === null) {
      this.lastRawTimestamp = value;
      this.lastDts = value;
      return { dts: value, discontinuity: false };
    }
    const step = (value - this.lastRawTimestamp + TIMESTAMP_RANGE) % TIMESTAMP_RANGE;
    this.lastRawTimestamp = value;
    if (step <= this.maxFrameGapMs) {
      this.lastDts += step;
      if (step > 0 && step <= 1000) this.lastStep = step;
      return { dts: this.lastDts, discontinuity: false };
    }
    this.stats.discontinuities += 1;
    this.lastDts += this.lastStep || FALLBACK_FRAME_STEP_MS;
    return { dts: this.lastDts, discontinuity: true };
  }

  private clearFrames(): void {
    this.frames = [];
    this.frameBytes = 0;
    this.startsAtKeyframeValue = false;
  }

  private refuse(error: unknown): FramePushResult {
    this.stats.errors += 1;
    if (error instanceof VideoTagError) return { kind: "error", error };
    throw error;
  }
}
