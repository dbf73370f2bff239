import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { TiersModule } from '../tiers/tiers.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './auth.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { MeController } from './me.controller.js';
import { MeResolver } from './me.resolver.js';

@Module({
  imports: [PassportModule, UsersModule, ApiKeysModule, TiersModule],
  controllers: [MeController],
  providers: [JwtStrategy, MeResolver, { provide: APP_GUARD, useClass: AccessGuard }],
})
export class AuthModule {}
