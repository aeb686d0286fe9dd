/**
 * What the capture engine reads from a live stream, whichever way the stream reaches livesnap:
 * the embedded ingest hands over its publisher's tags, a hooked media server is pulled over RTMP
 * by a client in this process (rtmp-client.ts). Both deliver FLV video tag bodies unchanged.
 */

/** One RTMP video message: an FLV VIDEODATA body (legacy or Enhanced RTMP) and its timestamp. */
export interface VideoTag {
  /** RTMP timestamp in milliseconds (32 bits, may wrap); the stream clock. */
  timestamp: number;
  /** The tag body exactly as received; the listener must copy what it keeps beyond the call. */
  data: Buffer;
}

export interface TagListener {
  onVideo(tag: VideoTag): void;
  /** The source ended (publisher left, server closed, refused, error); no call follows. */
  onEnd(reason: string): void;
}

/** A live stream's video, as it arrives; audio and data messages are not handed over. */
export interface TagSource {
  /** Starts delivery to the listener; the returned function stops it (idempotent). */
  subscribe(listener: TagListener): () => void;
}

export type VideoCodec = "h264" | "hevc" | "av1";

/** A video tag parsed (flv-video.ts); payloads are views into the tag, copy to keep. */
export type ParsedVideoTag =
  /** Decoder configuration: AVCDecoderConfigurationRecord, HEVCDecoderConfigurationRecord or AV1CodecConfigurationRecord. */
  | { kind: "config"; codec: VideoCodec; config: Buffer }
  /** One coded frame: length-prefixed NAL units (H.264, HEVC) or low-overhead OBUs (AV1). */
  | { kind: "frame"; codec: VideoCodec; keyframe: boolean; compositionTimeMs: number; payload: Buffer }
  /** End of sequence, metadata, command frames: nothing to decode. */
  | { kind: "ignored"; why: string };

/** One frame to decode, owned by its holder (not a view into a socket buffer). */
export interface CodedFrame {
  /** Decode timestamp, milliseconds of stream time (unwrapped). */
  dts: number;
  /** Presentation timestamp, milliseconds of stream time. */
  pts: number;
  keyframe: boolean;
  payload: Buffer;
}

/** How an image is to come out: today's template fields. */
export interface ImageSpec {
  format: "JPG" | "PNG";
  width: number | null;
  height: number | null;
  fillMode: "STRETCH" | "PAD_BLACK" | "PAD_WHITE" | "BLUR";
}

/**
 * One image to make: decode `frames` in order (the first a keyframe, or the oldest frame kept for
 * a source without keyframes) and encode the last frame that comes out.
 */
export interface DecodeJob {
  /** The live stream it is for: fairness and superseding are per stream. */
  streamId: string;
  codec: VideoCodec;
  config: Buffer;
  frames: CodedFrame[];
  spec: ImageSpec;
  /** On-demand jobs (captureSnapshot) go ahead of scheduled ones and are never superseded. */
  priority: "scheduled" | "on-demand";
}

export interface DecodedImage {
  format: "JPG" | "PNG";
  data: Buffer;
  width: number;
  height: number;
}
