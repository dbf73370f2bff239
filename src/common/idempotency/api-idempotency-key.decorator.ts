import { ApiHeader } from '@nestjs/swagger';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './idempotency.service.js';

/** Documents the optional `Idempotency-Key` header every POST accepts (the interceptor does the work). */
export const ApiIdempotencyKey = () => ApiHeader({ name: 'Idempotency-Key', required: false, schema: { type: 'string', maxLength: MAX_IDEMPOTENCY_KEY_LENGTH } });
