/** When retries happen; the defaults are the documented ones, tests shorten them. */
export interface CallbackTimings {
  /** A request not answered in full by then is cut. */
  timeoutMs: number;
  /** Wait after the first failed attempt; each later wait is `backoffFactor` times longer. */
  firstRetryMs: number;
  backoffFactor: number;
  maxRetryMs: number;
  /** A delivery still failing this long after its first attempt (or its redelivery) is DEAD. */
  giveUpAfterMs: number;
  /** How often the worker looks for due rows besides being woken by new ones. */
  pollIntervalMs: number;
}

export const DEFAULT_CALLBACK_TIMINGS: CallbackTimings = {
  timeoutMs: 5_000,
  firstRetryMs: 5_000,
  backoffFactor: 4,
  maxRetryMs: 4 * 3_600_000,
  giveUpAfterMs: 24 * 3_600_000,
  pollIntervalMs: 1_000,
};

/** Jitter spreads retries of many deliveries that failed together: each wait is 80 % to 120 % of its step. */
const JITTER = 0.2;

/**
 * The wait after the `attempts`-th failed attempt: 5 s, 20 s, 80 s, ... at most 4 h (±20 %), so the
 * first three attempts fall within half a minute.
 */
export function retryDelayMs(attempts: number, timings: CallbackTimings, random: () => number = Math.random): number {
  const step = Math.min(timings.firstRetryMs * timings.backoffFactor ** Math.max(0, attempts - 1), timings.maxRetryMs);
  return Math.round(step * (1 - JITTER + 2 * JITTER * random()));
}

/** After a failed attempt: when to try again, or null when the next try would come after the give-up horizon. */
export function nextAttemptAfterFailure(
  attempts: number,
  retryingSince: Date,
  now: Date,
  timings: CallbackTimings,
  random?: () => number,
): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(attempts, timings, random));
  return next.getTime() > retryingSince.getTime() + timings.giveUpAfterMs ? null : next;
}
