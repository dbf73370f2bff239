import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_ROLES, type ApiKeyEntity, type ApiKeyRole } from './api-key.entity.js';

export const ApiKeyRoleEnum = { agent: 'agent', admin: 'admin' } as const;
registerEnumType(ApiKeyRoleEnum, { name: 'ApiKeyRole' });

@ObjectType('ApiKey')
export class ApiKey {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 100 }) @Field(() => String) name!: string;
  @ApiProperty({ enum: API_KEY_ROLES, enumName: 'ApiKeyRole' }) @Field(() => ApiKeyRoleEnum) role!: ApiKeyRole;
  @ApiProperty({ maxLength: 12, pattern: '^tdk_', description: 'The first characters of the secret' }) @Field(() => String) prefix!: string;
  @ApiProperty({ format: 'uuid', maxLength: 36, description: 'The service identity the key acts as' }) @Field(() => ID) userId!: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) createdById!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true })
  expiresAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true })
  lastUsedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true })
  revokedAt!: Date | null;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) createdAt!: Date;
}

/** The one response that carries the secret: creation. */
@ObjectType('CreatedApiKey')
export class CreatedApiKey extends ApiKey {
  /** Shown once; absent (null) on an idempotent replay, because secrets are never stored unhashed. */
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 100,
    pattern: '^tdk_[A-Za-z0-9_-]{43}$',
    description: 'Shown once; store it now. Null on an idempotent replay: secrets are never stored unhashed.',
  })
  @Field(() => String, { nullable: true })
  secret!: string | null;
}

export function toApiKey(k: ApiKeyEntity): ApiKey {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    prefix: k.prefix,
    userId: k.userId,
    createdById: k.createdById,
    expiresAt: k.expiresAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
    createdAt: k.createdAt,
  };
}
