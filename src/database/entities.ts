import { IdempotencyKeyEntity } from '../common/idempotency/idempotency-key.entity.js';

/** Every entity; the migration drift check compares these with the schema the migrations build. */
export const entities = [IdempotencyKeyEntity];
