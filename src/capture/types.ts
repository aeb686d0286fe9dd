import type { FrozenTemplate } from "../db/schema";
import type { TagSource } from "../media/types";

/** One live stream to capture with the template frozen at publish time. */
export interface CaptureTarget {
  liveStreamId: string;
  /** Where a hooked stream is pulled from over RTMP; for an embedded publish, its address for logs. */
  pullUrl: string;
  /** The publisher's video tags, when the ingest is in this process: nothing is pulled then. */
  tags?: TagSource | undefined;
  template: FrozenTemplate;
}

/** One image made from a stream. */
export interface CapturedImage {
  liveStreamId: string;
  format: "JPG" | "PNG";
  data: Buffer;
  width: number;
  height: number;
  capturedAt: Date;
}

export type CaptureUnavailableReason = "not_captured" | "no_keyframe" | "busy" | "failed";

/** Why an on-demand image could not be made. */
export class CaptureUnavailableError extends Error {
  override readonly name = "CaptureUnavailableError";
  constructor(
    readonly reason: CaptureUnavailableReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface CaptureEngine {
  start(target: CaptureTarget): void;
  stop(liveStreamId: string): Promise<void>;
  /** Live stream ids being captured now. */
  active(): string[];
  stopAll(): Promise<void>;
  /** An image of the stream's newest keyframe now, with its template's format and size; not stored. */
  captureNow(liveStreamId: string): Promise<CapturedImage>;
}
