import type { Logger } from "../logger";
import { CaptureSchedule, DEFAULT_KEYFRAME_WAIT_MARGIN_MS, type CaptureDecision } from "../media/capture-schedule";
import { DEFAULT_FRAME_CACHE_BYTES, FrameCache } from "../media/frame-cache";
import type { DecodedImage, DecodeJob, ImageSpec, TagSource } from "../media/types";
import { CaptureUnavailableError, type CapturedImage, type CaptureEngine, type CaptureTarget } from "./types";

/** Timing and memory of the capture engine; milliseconds unless named otherwise. */
export interface FrameEngineTunables {
  /** Per stream: codec configuration plus the frames since the newest keyframe. */
  frameCacheBytes: number;
  /** First reconnect delay after a pulled stream's connection ends; doubles on each further failure. */
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
  /** Images closer than this fraction of the interval (arrival time) to the previous one are not made. */
  minSpacingFraction: number;
  /** How long after the expected keyframe the scheduler waits before decoding up to the current frame. */
  keyframeWaitMarginMs: number;
}

export const defaultFrameEngineTunables: FrameEngineTunables = {
  frameCacheBytes: DEFAULT_FRAME_CACHE_BYTES,
  reconnectInitialDelayMs: 1000,
  reconnectMaxDelayMs: 30_000,
  minSpacingFraction: 0.5,
  keyframeWaitMarginMs: DEFAULT_KEYFRAME_WAIT_MARGIN_MS,
};

/** What decodes images: the shared decoder pool. */
export interface ImageDecoder {
  decode(job: DecodeJob): Promise<DecodedImage>;
}

export interface FrameEngineOptions {
  logger: Logger;
  decoder: ImageDecoder;
  /** Where a stream's tags come from when the ingest did not hand any over: an RTMP pull of its URL. */
  pull(url: string): TagSource;
  /** Awaited per stream: a slow handler delays only its own stream's next image. */
  onImage(image: CapturedImage): Promise<void> | void;
  tunables?: Partial<FrameEngineTunables>;
  /** Called for each tag a stream's source sent that could not be used, by reason. */
  onTagError?(reason: string): void;
  /** Called for each image handed to onImage, with its age: arrival of its last frame to now. */
  onImageMade?(ageMs: number): void;
  /** A decode that failed for a reason other than being superseded. */
  onDecodeError?(): void;
}

export interface StreamCaptureState {
  /** Whether frames arrive now. */
  connected: boolean;
  /** Connections of a pulled stream after the first. */
  reconnects: number;
  codec: string | null;
  cachedBytes: number;
  images: number;
  tagErrors: number;
}

export interface InspectableCaptureEngine extends CaptureEngine {
  inspect(liveStreamId: string): StreamCaptureState | undefined;
  /** Bytes held by every stream's frame cache. */
  cachedBytes(): number;
}

/**
 * Capture with no process per stream: each live stream is a tag source in this process (the
 * embedded ingest's publisher, or an RTMP pull from a media server); its frames since the newest
 * keyframe are kept, and on each interval boundary of the stream clock only the frames that make
 * the image go to the shared decoder pool.
 */
export function createFrameEngine(options: FrameEngineOptions): InspectableCaptureEngine {
  const tunables: FrameEngineTunables = { ...defaultFrameEngineTunables };
  for (const key of Object.keys(defaultFrameEngineTunables) as (keyof FrameEngineTunables)[]) {
    const value = options.tunables?.[key];
    if (value !== undefined) tunables[key] = value;
  }
  const logger = options.logger.child({ module: "capture" });
  const streams = new Map<string, StreamCapture>();

  return {
    start(target) {
      if (streams.has(target.liveStreamId)) {
        logger.debug({ liveStreamId: target.liveStreamId }, "already capturing");
        return;
      }
      const stream = new StreamCapture(target, options, tunables, logger);
      streams.set(target.liveStreamId, stream);
      stream.start();
      logger.info(
        {
          liveStreamId: target.liveStreamId,
          source: target.tags === undefined ? withoutQuery(target.pullUrl) : "embedded",
          intervalSeconds: target.template.intervalSeconds,
        },
        "capture started",
      );
    },
    async stop(liveStreamId) {
      const stream = streams.get(liveStreamId);
      if (stream === undefined) return;
      streams.delete(liveStreamId);
      stream.stop();
      logger.info({ liveStreamId }, "capture stopped");
    },
    active: () => [...streams.keys()],
    inspect: (liveStreamId) => streams.get(liveStreamId)?.state(),
    cachedBytes: () => {
      let total = 0;
      for (const stream of streams.values()) total += stream.cachedBytes;
      return total;
    },
    captureNow(liveStreamId) {
      const stream = streams.get(liveStreamId);
      if (stream === undefined) return Promise.reject(new CaptureUnavailableError("not_captured", "the stream is not captured by this instance"));
      return stream.captureNow();
    },
    async stopAll() {
      for (const stream of streams.values()) stream.stop();
      streams.clear();
    },
  };
}

class StreamCapture {
  private cache: FrameCache;
  private schedule: CaptureSchedule;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private connected = false;
  private connections = 0;
  private reconnectDelayMs: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pending: CapturedImage | undefined;
  private delivering = false;
  private images = 0;
  private tagErrors = 0;
  private readonly intervalMs: number;
  private readonly spec: ImageSpec;
  private readonly log: Logger;

  constructor(
    private readonly target: CaptureTarget,
    private readonly options: FrameEngineOptions,
    private readonly tunables: FrameEngineTunables,
    logger: Logger,
  ) {
    this.intervalMs = target.template.intervalSeconds * 1000;
    const { format, width, height, fillMode } = target.template;
    this.spec = { format, width, height, fillMode };
    this.log = logger.child({ liveStreamId: target.liveStreamId });
    this.reconnectDelayMs = tunables.reconnectInitialDelayMs;
    this.cache = this.newCache();
    this.schedule = this.newSchedule();
  }

  get cachedBytes(): number {
    return this.cache.bytes;
  }

  state(): StreamCaptureState {
    return {
      connected: this.connected,
      reconnects: Math.max(0, this.connections - 1),
      codec: this.cache.codec,
      cachedBytes: this.cache.bytes,
      images: this.images,
      tagErrors: this.tagErrors,
    };
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.pending = undefined;
    clearTimeout(this.reconnectTimer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** An image of the newest cached keyframe, made ahead of scheduled ones. */
  async captureNow(): Promise<CapturedImage> {
    const codec = this.cache.codec;
    const config = this.cache.config;
    const keyframe = this.cache.keyframe();
    if (codec === null || config === null || keyframe === null) {
      throw new CaptureUnavailableError("no_keyframe", "no keyframe of the stream has arrived yet");
    }
    let image: DecodedImage;
    try {
      image = await this.options.decoder.decode({
        streamId: this.target.liveStreamId,
        codec,
        config,
        frames: [keyframe],
        spec: this.spec,
        priority: "on-demand",
      });
    } catch (error) {
      throw new CaptureUnavailableError("failed", `the keyframe could not be decoded: ${messageOf(error)}`, { cause: error });
    }
    return { liveStreamId: this.target.liveStreamId, ...image, capturedAt: new Date() };
  }

  private newCache(): FrameCache {
    return new FrameCache({ maxBytes: this.tunables.frameCacheBytes });
  }

  private newSchedule(): CaptureSchedule {
    return new CaptureSchedule({
      intervalMs: this.intervalMs,
      minWallSpacingMs: this.intervalMs * this.tunables.minSpacingFraction,
      keyframeWaitMarginMs: this.tunables.keyframeWaitMarginMs,
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const source: TagSource = this.target.tags ?? this.options.pull(this.target.pullUrl);
    this.connections += 1;
    if (this.connections > 1) {
      // A new connection starts a new stream clock: the server may number its timestamps afresh.
      this.cache = this.newCache();
      this.schedule = this.newSchedule();
    }
    let ended = false;
    this.unsubscribe = source.subscribe({
      onVideo: (tag) => {
        if (ended || this.stopped) return;
        if (!this.connected) {
          this.connected = true;
          this.reconnectDelayMs = this.tunables.reconnectInitialDelayMs;
        }
        this.onTag(tag.timestamp, tag.data);
      },
      onEnd: (reason) => {
        if (ended) return;
        ended = true;
        this.connected = false;
        this.unsubscribe = undefined;
        if (this.stopped) return;
        if (this.target.tags !== undefined) {
          // The embedded publisher left: its unpublish ends the capture.
          this.log.debug({ reason }, "publisher's tags ended");
          return;
        }
        const delay = this.reconnectDelayMs;
        this.reconnectDelayMs = Math.min(delay * 2, this.tunables.reconnectMaxDelayMs);
        this.log.warn({ reason, retryInMs: delay }, "pulled stream ended; reconnecting");
        this.reconnectTimer = setTimeout(() => this.connect(), delay);
      },
    });
  }

  private onTag(timestamp: number, data: Buffer): void {
    const arrival = Date.now();
    const result = this.cache.push({ timestamp, data }, arrival);
    if (result.kind === "error") {
      this.countTagError("malformed", result.error.message);
      return;
    }
    if (result.kind === "ignored") {
      if (result.why.includes("before any")) this.countTagError("missing_sequence_header", result.why);
      return;
    }
    if (result.kind === "config") {
      if (result.changed && this.cache.stats.configs > 1) this.log.info({ codec: result.codec }, "new sequence header");
      return;
    }
    const decision = this.schedule.onFrame(result.frame, arrival, this.cache);
    if (decision !== null) this.decode(decision);
  }

  private countTagError(reason: string, message: string): void {
    this.tagErrors += 1;
    this.options.onTagError?.(reason);
    // One line per power of two: a stream of garbage does not flood the log.
    if ((this.tagErrors & (this.tagErrors - 1)) === 0) this.log.warn({ reason, count: this.tagErrors }, `unusable video tag: ${message}`);
  }

  private decode(decision: CaptureDecision): void {
    const codec = this.cache.codec;
    const config = this.cache.config;
    if (codec === null || config === null) return;
    const job: DecodeJob = {
      streamId: this.target.liveStreamId,
      codec,
      config,
      frames: decision.frames,
      spec: this.spec,
      priority: "scheduled",
    };
    this.options.decoder.decode(job).then(
      (image) => {
        if (this.stopped) return;
        this.images += 1;
        this.options.onImageMade?.(Date.now() - decision.arrivalMs);
        this.enqueue({ liveStreamId: this.target.liveStreamId, ...image, capturedAt: new Date(decision.arrivalMs) });
      },
      (error: unknown) => {
        if (this.stopped || isSuperseded(error)) return;
        this.options.onDecodeError?.();
        this.log.warn({ err: messageOf(error), reason: decision.reason, frames: decision.frames.length }, "image could not be decoded");
      },
    );
  }

  /** Keeps only the newest undelivered image: a slow consumer gets fresh snapshots, not a backlog. */
  private enqueue(image: CapturedImage): void {
    if (this.pending !== undefined) this.log.warn("previous image still waiting for delivery; replaced by a newer one");
    this.pending = image;
    if (!this.delivering) void this.deliver();
  }

  private async deliver(): Promise<void> {
    this.delivering = true;
    while (this.pending !== undefined && !this.stopped) {
      const image = this.pending;
      this.pending = undefined;
      try {
        await this.options.onImage(image);
      } catch (error) {
        this.log.error({ err: error }, "image handler failed");
      }
    }
    this.delivering = false;
  }
}

function isSuperseded(error: unknown): boolean {
  return error instanceof Error && error.name === "SupersededError";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A pull URL's query may carry a credential; logs get the rest. */
function withoutQuery(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}
