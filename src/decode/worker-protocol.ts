import type { DecodeJob, DecodedImage } from "../media/types";

/** Parent to worker: one job; the worker answers before it takes the next. */
export interface WorkerRequest {
  id: number;
  job: DecodeJob;
}

/** Worker to parent: ready once at start, then one answer per request. */
export type WorkerReply =
  | { ready: true }
  | { id: number; ok: true; image: DecodedImage }
  | { id: number; ok: false; error: string };
