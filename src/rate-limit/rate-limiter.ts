import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { DomainError } from '../common/errors/domain-error.js';
import { AppConfig } from '../config/app-config.js';

const WINDOW_MS = 60_000;
// The bucket name of @nestjs/throttler's default throttler; storages key buckets `<name>:<key>`.
const THROTTLER = 'default';

/** Where the RateLimit-* headers go: a Fastify reply. */
export interface HeaderTarget {
  header(name: string, value: string | number): unknown;
}

/**
 * A fixed window of RATE_LIMIT_PER_MINUTE hits per bucket, in memory or in Redis (shared by replicas). Every response
 * carries `RateLimit-Limit`, `-Remaining`, `-Reset`; a caller over the limit gets 429 `RATE_LIMITED` with Retry-After.
 */
@Injectable()
export class RateLimiter {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly config: AppConfig,
  ) {}

  /** Counts `cost` hits against `bucket` and sets the headers on `reply`; throws RATE_LIMITED over the limit. */
  async charge(bucket: string, cost: number, reply: HeaderTarget | undefined): Promise<void> {
    const limit = this.config.rateLimit.perMinute;
    let record!: Awaited<ReturnType<ThrottlerStorage['increment']>>;
    for (let i = 0; i < cost; i++) record = await this.storage.increment(`${THROTTLER}:${bucket}`, WINDOW_MS, limit, WINDOW_MS, THROTTLER);
    if (record.isBlocked) {
      const wait = String(record.timeToBlockExpire);
      throw new DomainError('RATE_LIMITED', 'Too many requests; retry after the number of seconds in Retry-After', [], {
        'Retry-After': wait,
        'RateLimit-Limit': String(limit),
        'RateLimit-Remaining': '0',
        'RateLimit-Reset': wait,
      });
    }
    reply?.header('RateLimit-Limit', limit);
    reply?.header('RateLimit-Remaining', Math.max(0, limit - record.totalHits));
    reply?.header('RateLimit-Reset', record.timeToExpire);
  }
}
