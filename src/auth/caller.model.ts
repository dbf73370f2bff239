import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ROLES, RoleEnum, type Actor, type Role } from './actor.js';

registerEnumType(RoleEnum, { name: 'Role' });

@ObjectType('Caller')
export class Caller {
  /** The caller's id. */
  @ApiProperty({ maxLength: 255 }) @Field(() => ID) id!: string;
  /** The caller's id in the host product (the JWT `sub`). */
  @ApiProperty({ maxLength: 255 }) @Field(() => String) externalId!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) @Field(() => RoleEnum) role!: Role;
  @ApiProperty({ type: String, nullable: true, maxLength: 320 }) @Field(() => String, { nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 255 }) @Field(() => String, { nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 255 }) @Field(() => String, { nullable: true }) organizationId!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: 100 }) @Field(() => [ID]) tierIds!: string[];

  static of(actor: Actor): Caller {
    return { id: actor.id, externalId: actor.id, role: actor.role, email: actor.email, name: actor.name, organizationId: actor.org, tierIds: [] };
  }
}
