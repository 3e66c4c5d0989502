// When to try a temporarily failed recipient again: exponential backoff with jitter, so that
// a queue that built up during a smart-host outage does not hit it all in the same second.

export interface RetrySchedule {
  /** Delay before the first retry. */
  initialMs: number;
  /** No delay grows beyond this. */
  maxMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { initialMs: 60_000, maxMs: 3_600_000 };
/** Mail that could not be delivered for this long is bounced (Postfix's maximal_queue_lifetime). */
export const DEFAULT_MAX_QUEUE_LIFETIME_MS = 5 * 24 * 3_600_000;

/**
 * The delay after the `attempts`-th failed attempt (1-based): initial · 2^(attempts−1), capped,
 * then drawn uniformly from its upper half ("equal jitter") so it never exceeds the cap.
 */
export function retryDelayMs(attempts: number, schedule: RetrySchedule, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 40));
  const full = Math.min(schedule.maxMs, schedule.initialMs * 2 ** exponent);
  return Math.round(full / 2 + (random() * full) / 2);
}
