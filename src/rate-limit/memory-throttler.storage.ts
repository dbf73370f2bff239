import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** The record type is not exported from the package root. */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** `expiresAt` ends the window while counting, the block once blocked: the same two states as a Redis bucket. */
interface Bucket {
  hits: number;
  expiresAt: number;
  blocked: boolean;
}

export interface MemoryThrottlerStorageOptions {
  /** Milliseconds on a monotonic clock; injectable so tests need not sleep. */
  now?: () => number;
  /** How often expired buckets are dropped; memory holds the keys seen in the last window plus this. */
  sweepIntervalMs?: number;
}

/**
 * ThrottlerStorage in this process's memory: a fixed-window counter per key, O(1) per hit. It replaces the library's
 * ThrottlerStorageService, which keeps a timestamp per hit and filters that array on every request (hot under load).
 *
 * Same semantics as the script of RedisThrottlerStorage, so a deployment behaves alike with or without REDIS_URL: the
 * window starts on the first hit; hits past `limit` start a block of `blockDuration` during which hits are not counted;
 * when it ends the bucket starts afresh. With `blockDuration` <= 0 nothing blocks beyond the window and the hits
 * refused are not counted.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly sweepTimer: NodeJS.Timeout;

  // Monotonic, so a wall-clock step cannot stretch or cut windows.
  constructor({ now = () => performance.now(), sweepIntervalMs = 60_000 }: MemoryThrottlerStorageOptions = {}) {
    // Whole ms, as in Redis: in float ms a full 60 s window can come out as 60000.000…01 ms, rounded up to 61 s.
    this.now = () => Math.floor(now());
    // Created at boot, outside any request, so the timer holds no request's async context; unref'd so it never keeps
    // the process alive.
    this.sweepTimer = setInterval(() => this.sweepExpired(), sweepIntervalMs);
    this.sweepTimer.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const id = `${throttlerName}:${key}`;
    let bucket = this.buckets.get(id);
    // An expired bucket is gone, as a Redis key past its TTL is.
    if (bucket && bucket.expiresAt <= now) bucket = undefined;

    if (bucket?.blocked) return record(bucket.hits, bucket.expiresAt - now, true, bucket.expiresAt - now);
    if (blockDuration <= 0 && (bucket?.hits ?? 0) >= limit) {
      const left = bucket ? bucket.expiresAt - now : 0;
      return record((bucket?.hits ?? 0) + 1, left, true, left);
    }
    if (!bucket) {
      bucket = { hits: 0, expiresAt: now + ttl, blocked: false };
      this.buckets.set(id, bucket);
    }
    bucket.hits++;
    if (blockDuration > 0 && bucket.hits > limit) {
      bucket.blocked = true;
      bucket.expiresAt = now + blockDuration;
      return record(bucket.hits, blockDuration, true, blockDuration);
    }
    return record(bucket.hits, bucket.expiresAt - now, false, 0);
  }

  /** Drops every expired bucket: O(buckets) once per interval rather than any work per hit. Public for tests. */
  sweepExpired(): void {
    const now = this.now();
    for (const [id, bucket] of this.buckets) if (bucket.expiresAt <= now) this.buckets.delete(id);
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
    this.buckets.clear();
  }
}

/** In whole seconds, rounded up, as the other storages report it. */
function record(totalHits: number, windowMs: number, isBlocked: boolean, blockMs: number): ThrottlerStorageRecord {
  return { totalHits, timeToExpire: Math.ceil(windowMs / 1000), isBlocked, timeToBlockExpire: Math.ceil(blockMs / 1000) };
}
