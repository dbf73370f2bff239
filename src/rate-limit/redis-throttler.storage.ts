import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';

/**
 * One bucket = one hash `{ hits, blocked }` whose key TTL is the time left: the window while counting, the block once
 * blocked. A single script reads and writes it, so concurrent hits from any number of replicas cannot race, and Redis'
 * own clock is the only one used (replicas' clocks may disagree).
 *
 * Mirrors @nestjs/throttler's in-memory storage: hits past `limit` start a block of `blockDuration` during which hits
 * are not counted; when it ends the bucket starts afresh. With `blockDuration` <= 0 nothing blocks beyond the window
 * and the hits refused are not counted.
 *
 * KEYS[1] bucket · ARGV ttl ms, limit, blockDuration ms → { totalHits, ms to window end, blocked 0|1, ms to block end }
 */
const HIT_SCRIPT = `
local ttl, limit, blockMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local bucket = KEYS[1]
if redis.call('HGET', bucket, 'blocked') == '1' then
  local left = redis.call('PTTL', bucket)
  return { tonumber(redis.call('HGET', bucket, 'hits')), left, 1, left }
end
local hits = tonumber(redis.call('HGET', bucket, 'hits') or '0')
if blockMs <= 0 and hits >= limit then
  local left = redis.call('PTTL', bucket)
  return { hits + 1, left, 1, left }
end
hits = redis.call('HINCRBY', bucket, 'hits', 1)
if hits == 1 then redis.call('PEXPIRE', bucket, ttl) end
if blockMs > 0 and hits > limit then
  redis.call('HSET', bucket, 'blocked', '1')
  redis.call('PEXPIRE', bucket, blockMs)
  return { hits, blockMs, 1, blockMs }
end
return { hits, redis.call('PTTL', bucket), 0, 0 }
`;

/** The record type is not exported from the package root. */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type HitReply = [totalHits: number, windowMs: number, blocked: 0 | 1, blockMs: number];
type WithHitCommand = Redis & { tierdeskRateLimitHit(key: string, ttl: number, limit: number, blockDuration: number): Promise<HitReply> };

/** ThrottlerStorage in Redis so every replica shares the buckets. Created by RateLimitModule when REDIS_URL is set. */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: WithHitCommand;

  constructor(url: string) {
    // One retry: with Redis away a request fails fast (and is let through, see increment) instead of queueing.
    this.redis = new Redis(url, { maxRetriesPerRequest: 1 }) as WithHitCommand;
    // defineCommand runs the script by EVALSHA, sending its text only when Redis does not have it cached yet.
    this.redis.defineCommand('tierdeskRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    // Without a listener ioredis writes each connection error to stderr, bypassing the app's logger.
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    let reply: HitReply;
    try {
      reply = await this.redis.tierdeskRateLimitHit(`tierdesk:rl:${throttlerName}:${key}`, ttl, limit, blockDuration);
    } catch (error) {
      // Fail open: an unreachable Redis must not take the whole API down; it is logged and shows in metrics/alerts.
      this.logger.error(`Rate limit not applied, Redis failed: ${(error as Error).message}`);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
    const [totalHits, windowMs, blocked, blockMs] = reply;
    // The record is in whole seconds, rounded up, as the in-memory storage reports it (-1/-2 "no TTL" cannot occur).
    return { totalHits, timeToExpire: Math.ceil(windowMs / 1000), isBlocked: blocked === 1, timeToBlockExpire: Math.ceil(blockMs / 1000) };
  }

  async onApplicationShutdown(): Promise<void> {
    // A connection that is not up has nothing to finish (and will never emit 'end' if it is between reconnects).
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    // QUIT lets in-flight commands finish; its reply comes before the socket closes, so wait for that too.
    const ended = new Promise((resolve) => this.redis.once('end', resolve));
    await this.redis.quit().catch(() => this.redis.disconnect());
    await ended;
  }
}
