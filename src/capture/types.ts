import type { FrozenTemplate } from "../db/schema";

/** One live stream to capture with the template frozen at publish time. */
export interface CaptureTarget {
  liveStreamId: string;
  pullUrl: string;
  template: FrozenTemplate;
}

/** One image as it came out of ffmpeg. */
export interface CapturedImage {
  liveStreamId: string;
  format: "JPG" | "PNG";
  data: Buffer;
  width: number;
  height: number;
  capturedAt: Date;
}

export interface CaptureEngine {
  start(target: CaptureTarget): void;
  stop(liveStreamId: string): Promise<void>;
  /** Live stream ids being captured now. */
  active(): string[];
  stopAll(): Promise<void>;
}
