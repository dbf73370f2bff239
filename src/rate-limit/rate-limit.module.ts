import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config.js';
import { RateLimitGuard } from './rate-limit.guard.js';

/** Must be imported before AuthModule: its global guard runs first, so refused requests are counted too. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimit.perMinute }] }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
