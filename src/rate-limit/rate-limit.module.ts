import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/**
 * Must be imported before AuthModule: its global guard runs first, so refused requests are counted too.
 * With REDIS_URL the buckets live in Redis and are shared by every replica; without it, in this process's memory
 * (MemoryThrottlerStorage, same semantics; the library's own in-memory storage costs O(hits) per request).
 * Nest shuts the storage down (Redis connection, sweep timer): it is the instance behind the ThrottlerStorage provider.
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
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
