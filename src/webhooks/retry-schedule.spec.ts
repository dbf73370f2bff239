import { MAX_ATTEMPTS, nextAttemptDelay } from './retry-schedule.js';

describe('nextAttemptDelay', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then gives up', () => {
    const exact = () => 0.5; // no jitter
    const hours = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => nextAttemptDelay(n, null, exact)! / 1000);
    expect(hours).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(MAX_ATTEMPTS).toBe(10);
    expect(nextAttemptDelay(10, null, exact)).toBeNull();
  });

  it('jitters by at most 10 %', () => {
    expect(nextAttemptDelay(2, null, () => 0)).toBe(270_000);
    expect(nextAttemptDelay(2, null, () => 1)).toBe(330_000);
  });

  it('honours a longer Retry-After, up to a day, and ignores a shorter one', () => {
    expect(nextAttemptDelay(1, 60_000, () => 0.5)).toBe(60_000);
    expect(nextAttemptDelay(2, 1_000, () => 0.5)).toBe(300_000);
    expect(nextAttemptDelay(1, 10 * 86_400_000, () => 0.5)).toBe(86_400_000);
  });
});
