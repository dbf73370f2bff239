import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { enumOf } from '../common/graphql/enum-of.js';
import { ASSIGNMENT_STRATEGIES, HANDOFF_FIELDS, type AssignmentStrategy, type HandoffField, type TierEntity } from './tier.entity.js';

export const HandoffFieldEnum = enumOf(HANDOFF_FIELDS);
registerEnumType(HandoffFieldEnum, { name: 'HandoffField' });
export const AssignmentStrategyEnum = enumOf(ASSIGNMENT_STRATEGIES);
registerEnumType(AssignmentStrategyEnum, { name: 'AssignmentStrategy' });

@ObjectType('Tier')
export class Tier {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 100 }) @Field(() => String) name!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 10 }) @Field(() => Int) level!: number;
  @ApiProperty({ maxLength: 2000 }) @Field(() => String) description!: string;
  @ApiProperty({ type: String, format: 'uuid', maxLength: 36, nullable: true }) @Field(() => ID, { nullable: true }) escalationTargetId!:
    string | null;
  @ApiProperty({ enum: HANDOFF_FIELDS, enumName: 'HandoffField', isArray: true, maxItems: 4 })
  @Field(() => [HandoffFieldEnum])
  requiredHandoff!: HandoffField[];
  @ApiProperty({ enum: ASSIGNMENT_STRATEGIES, enumName: 'AssignmentStrategy' })
  @Field(() => AssignmentStrategyEnum)
  assignment!: AssignmentStrategy;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

export function toTier(t: TierEntity): Tier {
  return {
    id: t.id,
    name: t.name,
    level: t.level,
    description: t.description,
    escalationTargetId: t.escalationTargetId,
    requiredHandoff: t.requiredHandoff,
    assignment: t.assignment,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    version: t.version,
  };
}
