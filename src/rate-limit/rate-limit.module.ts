import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { RateLimiter } from './rate-limiter.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/**
 * The buckets: with REDIS_URL in Redis, shared by every replica; without it, in this process's memory
 * (MemoryThrottlerStorage, same semantics; the library's own in-memory storage costs O(hits) per request).
 * Nest shuts the storage down (Redis connection, sweep timer): it is the instance behind the ThrottlerStorage provider.
 * The global guard (auth/) decides what each request costs and whose bucket pays.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimit.perMinute }],
        storage: config.redisUrl ? new RedisThrottlerStorage(config.redisUrl) : new MemoryThrottlerStorage(),
      }),
    }),
  ],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class RateLimitModule {}
