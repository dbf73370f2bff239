const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay before each retry, after attempt 1, 2, …: the first attempt is immediate; ten attempts over about three days. */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A subscription whose every attempt has failed for this long is disabled. */
export const FAILING_LIMIT_MS = 24 * HOUR;
const JITTER = 0.1;

/**
 * When to try again after failed attempt number `attempts` (1-based), or null when that was the last. ±10 % jitter so a
 * burst of failures does not retry in lockstep; a target's `Retry-After` wins when it asks for longer (up to a day).
 */
export function nextAttemptDelay(attempts: number, retryAfterMs: number | null, random: () => number = Math.random): number | null {
  const base = RETRY_DELAYS_MS[attempts - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 + (random() * 2 - 1) * JITTER));
  return retryAfterMs !== null && retryAfterMs > jittered ? Math.min(retryAfterMs, 24 * HOUR) : jittered;
}
