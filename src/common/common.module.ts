import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ProblemFilter } from './errors/problem.filter.js';
import { LoaderRegistry } from './graphql/loader.registry.js';
import { EtagInterceptor } from './http/etag.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';

/** Cross-cutting pieces every feature uses. Interceptor order matters: idempotency wraps ETag so replays keep it. */
@Global()
@Module({
  providers: [
    IdempotencyService,
    LoaderRegistry,
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
    { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
  ],
  exports: [IdempotencyService, LoaderRegistry],
})
export class CommonModule {}
