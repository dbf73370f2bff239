import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';
import { IDEMPOTENT_IN_SERVICE, IDEMPOTENT_RESPONSE } from './idempotency.metadata.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.service.js';

/** What a POST answers, from what its write transaction produced: stored for replay in that same transaction. */
export type ResponseOf = (result: never) => unknown;

/**
 * A POST accepting `Idempotency-Key` (documented in OpenAPI). `respond` turns the result of the handler's write
 * transaction into the response body, so the response is stored by that transaction: a crash after the commit replays
 * it rather than running the request again. The IdempotencyInterceptor does the rest.
 */
export const Idempotent = (respond: ResponseOf) =>
  applyDecorators(SetMetadata(IDEMPOTENT_RESPONSE, respond), UseInterceptors(IdempotencyInterceptor), keyHeader());

/** A POST whose service applies the key itself, because the request's fingerprint needs its body streamed first (uploads). */
export const IdempotentInService = () => applyDecorators(SetMetadata(IDEMPOTENT_IN_SERVICE, true), keyHeader());

// The interceptor runs only on the routes that declare it: every other request skips Nest's interceptor chain.
const keyHeader = () =>
  ApiHeader({ name: 'Idempotency-Key', required: false, schema: { type: 'string', maxLength: MAX_IDEMPOTENCY_KEY_LENGTH } });
