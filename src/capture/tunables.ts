/** Timing of the capture engine; every value is in milliseconds unless named otherwise. */
export interface CaptureTunables {
  /** First restart delay after ffmpeg exits or stalls; doubles on each further failure. */
  restartInitialDelayMs: number;
  /** Upper bound of the restart delay. */
  restartMaxDelayMs: number;
  /** Extra time after a (re)start before the first image is due: connect, probe, first keyframe. */
  startupGraceMs: number;
  /** Extra time after the interval before a missing image counts as silence. */
  silenceMarginMs: number;
  /** SIGTERM to SIGKILL grace when stopping ffmpeg. */
  stopGraceMs: number;
  /**
   * Images closer than this fraction of the interval to the previous one are dropped. A
   * restarted ffmpeg replays the media server's cached GOP and would otherwise emit a burst.
   */
  minSpacingFraction: number;
  /** How much of ffmpeg's stderr is kept for logs, in bytes. */
  stderrTailBytes: number;
  /** ffmpeg processes that may be starting (before their first image) at once; the rest queue. */
  maxConcurrentStarts: number;
}

export const defaultCaptureTunables: CaptureTunables = {
  restartInitialDelayMs: 1000,
  restartMaxDelayMs: 30_000,
  startupGraceMs: 10_000,
  silenceMarginMs: 3000,
  stopGraceMs: 3000,
  minSpacingFraction: 0.5,
  stderrTailBytes: 4096,
  maxConcurrentStarts: 8,
};
