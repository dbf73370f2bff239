import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import type { OrganizationEntity } from './organization.entity.js';

@ObjectType('Organization')
export class Organization {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 255, description: "The host product's organization key (the `org` claim)" }) @Field(() => String) key!: string;
  @ApiProperty({ maxLength: 200 }) @Field(() => String) name!: string;
  @ApiProperty({ description: "Customers of the organization see each other's tickets" }) @Field(() => Boolean) shareTickets!: boolean;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

export function toOrganization(o: OrganizationEntity): Organization {
  return {
    id: o.id,
    key: o.key,
    name: o.name,
    shareTickets: o.shareTickets,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    version: o.version,
  };
}
