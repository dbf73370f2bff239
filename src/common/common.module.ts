import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Clock } from './clock/clock.js';
import { ProblemFilter } from './errors/problem.filter.js';
import { LoaderRegistry } from './graphql/loader.registry.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';

/**
 * Cross-cutting pieces every feature uses. No global interceptor: each adds Nest's interceptor chain to every request.
 * Idempotency is declared by the routes that take a key (@Idempotent); the ETag header is set by a Fastify hook.
 */
@Global()
@Module({
  providers: [Clock, IdempotencyService, LoaderRegistry, { provide: APP_FILTER, useClass: ProblemFilter }],
  exports: [Clock, IdempotencyService, LoaderRegistry],
})
export class CommonModule {}
