import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryThrottlerStorage } from './memory-throttler.storage';

// A hand-driven clock: every boundary is hit exactly, without sleeping.
let clock: number;
let storage: MemoryThrottlerStorage;
const advance = (ms: number) => (clock += ms);
const bucketCount = () => storage['buckets'].size;

/** One hit on `key` of throttler 'default' with a window of `ttl` ms. */
const hit = (key: string, ttl: number, limit: number, blockDuration: number) =>
  storage.increment(key, ttl, limit, blockDuration, 'default');

beforeEach(() => {
  clock = 1_000_000;
  storage = new MemoryThrottlerStorage({ now: () => clock });
});
afterEach(() => storage.onApplicationShutdown());

describe('MemoryThrottlerStorage', () => {
  it('counts hits within a window and reports the time left in whole seconds, rounded up', async () => {
    expect(await hit('a', 60_000, 3, 60_000)).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    advance(1500);
    expect(await hit('a', 60_000, 3, 60_000)).toEqual({ totalHits: 2, timeToExpire: 59, isBlocked: false, timeToBlockExpire: 0 });
    advance(58_400);
    // 100 ms left: still this window, still 1 s to wait.
    expect(await hit('a', 60_000, 3, 60_000)).toEqual({ totalHits: 3, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('reports a fresh window as exactly ttl on a clock in fractional ms (as performance.now() is)', async () => {
    // (10000.005 + 60000) - 10000.005 is 60000.00000000001 in floating point: 61 s if not rounded to whole ms.
    clock = 10_000.005;
    expect((await hit('a', 60_000, 5, 60_000)).timeToExpire).toBe(60);
  });

  it('starts afresh once the window (from the first hit, not extended by later ones) is over', async () => {
    await hit('a', 200, 5, 1000);
    advance(150);
    expect((await hit('a', 200, 5, 1000)).totalHits).toBe(2);
    advance(49);
    expect((await hit('a', 200, 5, 1000)).totalHits).toBe(3);
    advance(1);
    expect(await hit('a', 200, 5, 1000)).toEqual({ totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('with blockDuration > 0, the hit past the limit blocks for blockDuration, uncounted, then the bucket starts afresh', async () => {
    await hit('a', 1000, 2, 5000);
    await hit('a', 1000, 2, 5000);
    expect(await hit('a', 1000, 2, 5000)).toEqual({ totalHits: 3, timeToExpire: 5, isBlocked: true, timeToBlockExpire: 5 });
    // The block outlasts the window; hits during it change nothing.
    advance(2000);
    expect(await hit('a', 1000, 2, 5000)).toEqual({ totalHits: 3, timeToExpire: 3, isBlocked: true, timeToBlockExpire: 3 });
    expect(await hit('a', 1000, 2, 5000)).toEqual({ totalHits: 3, timeToExpire: 3, isBlocked: true, timeToBlockExpire: 3 });
    advance(2999);
    expect((await hit('a', 1000, 2, 5000)).isBlocked).toBe(true);
    advance(1);
    expect(await hit('a', 1000, 2, 5000)).toEqual({ totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('with blockDuration <= 0, hits past the limit are refused as hits + 1, not counted, until the window ends', async () => {
    for (const blockDuration of [0, -1]) {
      const key = `k${blockDuration}`;
      await hit(key, 1000, 2, blockDuration);
      await hit(key, 1000, 2, blockDuration);
      advance(300);
      expect(await hit(key, 1000, 2, blockDuration)).toEqual({ totalHits: 3, timeToExpire: 1, isBlocked: true, timeToBlockExpire: 1 });
      expect((await hit(key, 1000, 2, blockDuration)).totalHits).toBe(3);
      // Nothing blocks beyond the window.
      advance(700);
      expect(await hit(key, 1000, 2, blockDuration)).toEqual({ totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
    }
  });

  it('keeps keys, and the same key of different throttlers, apart', async () => {
    await hit('a', 1000, 1, 5000);
    expect((await hit('a', 1000, 1, 5000)).isBlocked).toBe(true);
    expect(await hit('b', 1000, 1, 5000)).toEqual({ totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });
    expect(await storage.increment('a', 1000, 1, 5000, 'burst')).toEqual({
      totalHits: 1,
      timeToExpire: 1,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('sweeps expired windows and ended blocks, keeping live buckets', async () => {
    for (const key of ['a', 'b', 'c']) await hit(key, 100, 5, 1000);
    await hit('blocked', 100, 0, 1000);
    advance(50);
    await hit('late', 100, 5, 1000);
    expect(bucketCount()).toBe(5);
    advance(50);
    storage.sweepExpired();
    expect(bucketCount()).toBe(2);
    advance(950);
    storage.sweepExpired();
    expect(bucketCount()).toBe(0);
  });

  it('sweeps on its own timer, which stops on application shutdown', async () => {
    storage.onApplicationShutdown();
    storage = new MemoryThrottlerStorage({ now: () => clock, sweepIntervalMs: 10 });
    await hit('a', 100, 5, 0);
    advance(100);
    await sleep(60);
    expect(bucketCount()).toBe(0);

    storage.onApplicationShutdown();
    await hit('a', 100, 5, 0);
    advance(100);
    await sleep(60);
    expect(bucketCount()).toBe(1);
  });
});
