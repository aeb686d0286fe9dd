import type { TagListener, TagSource, VideoTag } from "../media/types";

/**
 * The video of one publish on the embedded ingest, handed to its listeners synchronously as
 * node-media-server parses it (no copy: a tag's data is a view into the connection's message
 * buffer, valid during the call).
 *
 * - Nothing is delivered before open() (the lifecycle accepted the publish), so a refused
 *   publish never delivers a tag; a sequence header that arrived before is kept and delivered
 *   at open().
 * - A listener that subscribes while the publish runs first gets the latest sequence header,
 *   as an RTMP player would: without it no later frame can be decoded.
 * - end() calls each listener's onEnd once; a listener subscribing later is ended at once.
 *   A listener that unsubscribed is not called again.
 * - A listener that throws is unsubscribed and ended with the error, so one broken listener
 *   costs neither the publish nor the other listeners.
 */
export class PublishTags implements TagSource {
  private readonly listeners = new Set<TagListener>();
  /** The latest sequence header, owned (the message buffer it came in is reused). */
  private config: VideoTag | undefined;
  private opened = false;
  private endReason: string | undefined;

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  subscribe(listener: TagListener): () => void {
    if (this.endReason !== undefined) {
      this.call(listener, () => listener.onEnd(this.endReason!));
      return () => {};
    }
    this.listeners.add(listener);
    if (this.opened && this.config !== undefined) this.deliverTo(listener, this.config);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts delivery: the publish was accepted. */
  open(): void {
    if (this.opened || this.endReason !== undefined) return;
    this.opened = true;
    if (this.config !== undefined) this.deliver(this.config);
  }

  /** One RTMP video message; `data` is the FLV VIDEODATA body. */
  video(timestamp: number, data: Buffer): void {
    if (this.endReason !== undefined) return;
    if (isSequenceStart(data)) this.config = { timestamp, data: Buffer.from(data) };
    if (this.opened) this.deliver({ timestamp, data });
  }

  /** The publish is over; idempotent (the first reason stays). */
  end(reason: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    this.config = undefined;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) this.call(listener, () => listener.onEnd(reason));
  }

  private deliver(tag: VideoTag): void {
    for (const listener of this.listeners) this.deliverTo(listener, tag);
  }

  private deliverTo(listener: TagListener, tag: VideoTag): void {
    try {
      listener.onVideo(tag);
    } catch (error) {
      this.onListenerError(error);
      if (!this.listeners.delete(listener)) return;
      this.call(listener, () => listener.onEnd(`the tag listener failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  private call(listener: TagListener, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onListenerError(error);
      this.listeners.delete(listener);
    }
  }
}

const AVC = 7;
/** HEVC under the legacy FLV codec id, as some Chinese CDNs and encoders send it. */
const LEGACY_HEVC = 12;
const ENHANCED_SEQUENCE_START = 0;

/** Whether a VIDEODATA body is a decoder configuration (legacy AVC/HEVC, or Enhanced RTMP). */
export function isSequenceStart(data: Buffer): boolean {
  if (data.length < 2) return false;
  const first = data[0]!;
  if ((first & 0x80) !== 0) return data.length >= 5 && (first & 0x0f) === ENHANCED_SEQUENCE_START;
  const codec = first & 0x0f;
  return (codec === AVC || codec === LEGACY_HEVC) && data[1] === 0;
}
