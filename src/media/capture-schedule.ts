/**
 * When a stream's image is taken and which kept frames make it, decided on the stream clock.
 * Boundaries sit at t0 + k x interval (t0: the first video frame's dts), so the average spacing
 * of images is the interval itself, whatever the GOP. Guarantees: at most one image per
 * boundary; a boundary that passed without an image is skipped, never made up later in a burst;
 * at most one image per `minWallSpacingMs` of arrival time; an image made of one keyframe
 * whenever a keyframe arrives in time for its boundary, else of the frames from the newest
 * keyframe up to the frame at the boundary. Pure: time comes in with each frame.
 */
import type { CodedFrame } from "./types.js";

export const DEFAULT_KEYFRAME_WAIT_MARGIN_MS = 500;
/** Keyframe spacings remembered; their maximum is the GOP estimate, so a scene cut does not shrink it. */
const SPACINGS_KEPT = 4;

export interface CaptureScheduleOptions {
  intervalMs: number;
  /** Least arrival (wall) time between two images; default half the interval, 0 for none. */
  minWallSpacingMs?: number;
  /** How far past the expected keyframe to wait before decoding up to the current frame instead. */
  keyframeWaitMarginMs?: number;
}

/** Frames the scheduler may hand out: a FrameCache. */
export interface KeptFrames {
  /** Kept frames, oldest first, the newest being the frame just passed to `onFrame`. */
  framesSinceKeyframe(): CodedFrame[];
}

export type CaptureReason =
  /** The first keyframe at or after the boundary, decoded alone. */
  | "keyframe"
  /** Keyframes are further apart than the interval: the newest keyframe up to the boundary frame. */
  | "long-gop"
  /** A keyframe was expected soon after the boundary but did not come in time. */
  | "keyframe-late"
  /** No keyframe seen for over an interval since publish: the frames of the last interval. */
  | "no-keyframes";

export interface CaptureDecision {
  /** Decode these in order and encode the last picture out; the first is a keyframe when one is kept. */
  frames: CodedFrame[];
  /** The boundary served, stream ms. */
  boundaryMs: number;
  /** Stream time of the image: the dts of the last frame. */
  captureMs: number;
  /** Arrival wall time of the last frame. */
  arrivalMs: number;
  reason: CaptureReason;
}

export interface CaptureScheduleStats {
  images: number;
  /** Boundaries that passed without an image (stall, timestamp leap, wall floor). */
  skippedBoundaries: number;
  /** Frames at which an image was due but held back by the wall-clock floor. */
  wallFloorHolds: number;
}

export class CaptureSchedule {
  readonly intervalMs: number;
  private readonly minWallSpacingMs: number;
  private readonly marginMs: number;
  private t0: number | null = null;
  private boundaryIndex = 0;
  private lastKeyframeDts: number | null = null;
  private spacings: number[] = [];
  private lastImageArrival: number | null = null;
  readonly stats: CaptureScheduleStats = { images: 0, skippedBoundaries: 0, wallFloorHolds: 0 };

  constructor(options: CaptureScheduleOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`capture interval must be positive, got ${options.intervalMs}`);
    this.intervalMs = options.intervalMs;
    this.minWallSpacingMs = options.minWallSpacingMs ?? options.intervalMs * 0.5;
    this.marginMs = options.keyframeWaitMarginMs ?? DEFAULT_KEYFRAME_WAIT_MARGIN_MS;
  }

  /** The boundary waiting for an image, stream ms; null before the first frame. */
  get nextBoundaryMs(): number | null {
    return this.t0 === null ? null : this.t0 + this.boundaryIndex * this.intervalMs;
  }

  /** The GOP estimate: the largest of the last few keyframe spacings; null until two keyframes. */
  get keyframeSpacingMs(): number | null {
    return this.spacings.length === 0 ? null : Math.max(...this.spacings);
  }

  /**
   * Called for each frame the cache kept (after `FrameCache.push`), in order. Returns what to
   * decode when this frame completes an image, else null. `arrivalMs` must come from a
   * monotonic clock (performance.now()): the floor compares arrivals.
   */
  onFrame(frame: CodedFrame, arrivalMs: number, kept: KeptFrames): CaptureDecision | null {
    const d = frame.dts;
    if (this.t0 === null) this.t0 = d;
    if (frame.keyframe) {
      if (this.lastKeyframeDts !== null && d > this.lastKeyframeDts) {
        this.spacings.push(d - this.lastKeyframeDts);
        if (this.spacings.length > SPACINGS_KEPT) this.spacings.shift();
      }
      this.lastKeyframeDts = d;
    }
    let boundary = this.t0 + this.boundaryIndex * this.intervalMs;
    if (d < boundary) return null;
    if (d >= boundary + this.intervalMs) {
      // Boundaries passed without an image (a stall, a leap, held by the floor): serve only the
      // newest one.
      const index = Math.floor((d - this.t0) / this.intervalMs);
      this.stats.skippedBoundaries += index - this.boundaryIndex;
      this.boundaryIndex = index;
      boundary = this.t0 + index * this.intervalMs;
    }

    const reason = this.reasonToDecode(frame, boundary);
    if (reason === null) return null;
    if (this.lastImageArrival !== null && arrivalMs - this.lastImageArrival < this.minWallSpacingMs) {
      this.stats.wallFloorHolds += 1;
      return null;
    }
    let frames = reason === "keyframe" ? [frame] : kept.framesSinceKeyframe();
    if (reason === "no-keyframes") {
      // Without keyframes every frame may matter (intra refresh): one interval of frames covers
      // a refresh period up to the interval and decodes each frame about once over the publish.
      frames = frames.filter((f) => f.dts > d - this.intervalMs);
    }
    if (frames.length === 0) return null;

    this.boundaryIndex = Math.floor((d - this.t0) / this.intervalMs) + 1;
    this.lastImageArrival = arrivalMs;
    this.stats.images += 1;
    return { frames, boundaryMs: boundary, captureMs: d, arrivalMs, reason };
  }

  /** Why the frame at or after `boundary` should make the image now; null to wait for a keyframe. */
  private reasonToDecode(frame: CodedFrame, boundary: number): CaptureReason | null {
    if (frame.keyframe) return "keyframe";
    const d = frame.dts;
    if (this.lastKeyframeDts === null) return d - this.t0! > this.intervalMs ? "no-keyframes" : null;
    const gop = this.keyframeSpacingMs;
    // One keyframe seen so far: an interval without another one shows the GOP is longer.
    if (gop === null) return d - this.lastKeyframeDts > this.intervalMs ? "long-gop" : null;
    if (gop > this.intervalMs) return "long-gop";
    // The first keyframe the GOP predicts at or after the boundary (a hole in the stream may
    // have taken the ones between), waited for at most one GOP plus the margin.
    let expected = this.lastKeyframeDts + gop;
    if (expected < boundary) expected += Math.ceil((boundary - expected) / gop) * gop;
    return d > expected + this.marginMs ? "keyframe-late" : null;
  }
}
