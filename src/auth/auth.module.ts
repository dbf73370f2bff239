import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { TiersModule } from '../tiers/tiers.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './auth.guard.js';
import { Authenticator } from './authenticator.js';
import { MeController } from './me.controller.js';
import { MeResolver } from './me.resolver.js';
import { TokenVerifier } from './token-verifier.js';

@Module({
  imports: [UsersModule, ApiKeysModule, TiersModule, RateLimitModule],
  controllers: [MeController],
  providers: [TokenVerifier, Authenticator, MeResolver, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [Authenticator, RateLimitModule],
})
export class AuthModule {}
