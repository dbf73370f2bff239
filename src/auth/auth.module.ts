import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessGuard } from './auth.guard.js';
import { JwtStrategy } from './jwt.strategy.js';
import { MeController } from './me.controller.js';
import { MeResolver } from './me.resolver.js';

@Module({
  imports: [PassportModule],
  controllers: [MeController],
  providers: [JwtStrategy, MeResolver, { provide: APP_GUARD, useClass: AccessGuard }],
})
export class AuthModule {}
