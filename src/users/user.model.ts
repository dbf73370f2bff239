import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { ROLES, RoleEnum, type Role } from '../actor/actor.js';
import { USER_KINDS, type UserEntity, type UserKind } from './user.entity.js';
import type { UserView } from './user-views.service.js';

const UserKindEnum = { person: 'person', service: 'service' } as const;
registerEnumType(UserKindEnum, { name: 'UserKind', description: 'person: signed in through the host product; service: an API key' });

// GraphQL reaches users nested in what a customer may read (a ticket's assignee, a colleague's ticket's requester):
// there a customer sees anyone but themself as id and display name only, so the other fields are null for them.
// REST serves only full users (admins, or the caller themself), so its schema keeps them required.
const HIDDEN = 'Null unless the caller may see it: staff, or the user themself.';

@ObjectType('User')
export class User {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) id!: string;
  @ApiProperty({ type: String, maxLength: 255, description: "The user's id in the host product (JWT `sub`)" })
  @Field(() => String, { nullable: true, description: `The user's id in the host product (JWT \`sub\`). ${HIDDEN}` })
  externalId!: string | null;
  @ApiProperty({ enum: USER_KINDS, enumName: 'UserKind' })
  @Field(() => UserKindEnum, { nullable: true, description: HIDDEN })
  kind!: UserKind | null;
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) @Field(() => RoleEnum, { nullable: true, description: HIDDEN }) role!: Role | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 320, format: 'email' })
  @Field(() => String, { nullable: true, description: HIDDEN })
  email!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 255 }) @Field(() => String, { nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', maxLength: 36 })
  @Field(() => ID, { nullable: true, description: HIDDEN })
  organizationId!: string | null;
  @ApiProperty({ type: Boolean }) @Field(() => Boolean, { nullable: true, description: HIDDEN }) active!: boolean | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true, description: HIDDEN })
  deactivatedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true, description: HIDDEN })
  createdAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true, description: HIDDEN })
  updatedAt!: Date | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 })
  @Field(() => Int, { nullable: true, description: HIDDEN })
  version!: number | null;
}

export function toUser(u: UserEntity): User {
  return {
    id: u.id,
    externalId: u.externalId,
    kind: u.kind,
    role: u.role,
    email: u.email,
    name: u.name,
    organizationId: u.organizationId,
    active: u.active,
    deactivatedAt: u.deactivatedAt,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    version: u.version,
  };
}

/** A user as the caller may see them (see UserViewsService): in full, or id and display name with the rest null. */
export function toUserView(view: UserView): User {
  if ('externalId' in view) return toUser(view);
  return {
    id: view.id,
    externalId: null,
    kind: null,
    role: null,
    email: null,
    name: view.name,
    organizationId: null,
    active: null,
    deactivatedAt: null,
    createdAt: null,
    updatedAt: null,
    version: null,
  };
}
