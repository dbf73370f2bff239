import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ROLES, RoleEnum, type Actor, type Role } from '../actor/actor.js';

registerEnumType(RoleEnum, { name: 'Role', description: 'customer asks for help; agent works tickets; admin configures Tierdesk' });

/** `GET /v1/me`: the authenticated caller. */
@ObjectType('Caller')
export class Caller {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) id!: string;
  /** The caller's id in the host product (the JWT `sub`). */
  @ApiProperty({ maxLength: 255, description: "The caller's id in the host product (the JWT `sub`)" })
  @Field(() => String)
  externalId!: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) @Field(() => RoleEnum) role!: Role;
  @ApiProperty({ type: String, nullable: true, maxLength: 320, format: 'email' }) @Field(() => String, { nullable: true }) email!:
    string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 255 }) @Field(() => String, { nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', maxLength: 36 }) @Field(() => ID, { nullable: true }) organizationId!:
    string | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 100,
    description: 'Support tiers the caller belongs to',
  })
  @Field(() => [ID])
  tierIds!: string[];

  static of(actor: Actor, tierIds: string[] = []): Caller {
    return {
      id: actor.id,
      externalId: actor.externalId,
      role: actor.role,
      email: actor.email,
      name: actor.name,
      organizationId: actor.organizationId,
      tierIds,
    };
  }
}
