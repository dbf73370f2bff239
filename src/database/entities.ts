import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { IdempotencyKeyEntity } from '../common/idempotency/idempotency-key.entity.js';
import { OrganizationEntity } from '../users/organization.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every entity; the migration drift check compares these with the schema the migrations build. */
export const entities = [IdempotencyKeyEntity, OrganizationEntity, UserEntity, ApiKeyEntity];
