import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ROLES, RoleEnum, type Role } from '../auth/actor.js';
import { USER_KINDS, type UserEntity, type UserKind } from './user.entity.js';

const UserKindEnum = { person: 'person', service: 'service' } as const;
registerEnumType(UserKindEnum, { name: 'UserKind', description: 'person: signed in through the host product; service: an API key' });

@ObjectType('User')
export class User {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 255, description: "The user's id in the host product (JWT `sub`)" }) @Field(() => String) externalId!: string;
  @ApiProperty({ enum: USER_KINDS, enumName: 'UserKind' }) @Field(() => UserKindEnum) kind!: UserKind;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) @Field(() => RoleEnum) role!: Role;
  @ApiProperty({ type: String, nullable: true, maxLength: 320, format: 'email' }) @Field(() => String, { nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 255 }) @Field(() => String, { nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', maxLength: 36 }) @Field(() => ID, { nullable: true }) organizationId!: string | null;
  @ApiProperty() @Field(() => Boolean) active!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime, { nullable: true }) deactivatedAt!: Date | null;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

export function toUser(u: UserEntity): User {
  return {
    id: u.id, externalId: u.externalId, kind: u.kind, role: u.role, email: u.email, name: u.name, organizationId: u.organizationId,
    active: u.active, deactivatedAt: u.deactivatedAt, createdAt: u.createdAt, updatedAt: u.updatedAt, version: u.version,
  };
}
