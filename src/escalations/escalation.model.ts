import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import {
  ESCALATION_DIRECTIONS,
  ESCALATION_TRIGGERS,
  type EscalationDirection,
  type EscalationEntity,
  type EscalationTrigger,
} from './escalation.entity.js';
import { enumOf } from '../common/graphql/enum-of.js';

export const EscalationDirectionEnum = enumOf(ESCALATION_DIRECTIONS);
export const EscalationTriggerEnum = enumOf(ESCALATION_TRIGGERS);
registerEnumType(EscalationDirectionEnum, { name: 'EscalationDirection' });
registerEnumType(EscalationTriggerEnum, { name: 'EscalationTrigger' });

const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;

@ObjectType('Handoff')
export class Handoff {
  @ApiProperty({ type: String, maxLength: 5000, nullable: true }) @Field(() => String, { nullable: true }) summary!: string | null;
  @ApiProperty({ type: String, maxLength: 20_000, nullable: true }) @Field(() => String, { nullable: true }) stepsToReproduce!:
    string | null;
  @ApiProperty({ type: String, maxLength: 5000, nullable: true }) @Field(() => String, { nullable: true }) environment!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: 20 })
  @Field(() => [ID])
  attachmentIds!: string[];
}

@ObjectType('Escalation')
export class Escalation {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty(uuid) @Field(() => ID) ticketId!: string;
  @ApiProperty(uuid) @Field(() => ID) fromTierId!: string;
  @ApiProperty(uuid) @Field(() => ID) toTierId!: string;
  @ApiProperty({ enum: ESCALATION_DIRECTIONS, enumName: 'EscalationDirection' })
  @Field(() => EscalationDirectionEnum)
  direction!: EscalationDirection;
  @ApiProperty({ maxLength: 2000 }) @Field(() => String) reason!: string;
  @ApiProperty({ type: Handoff, nullable: true, description: 'null for automatic moves (SLA breach, rule)' })
  @Field(() => Handoff, { nullable: true })
  handoff!: Handoff | null;
  @ApiProperty({ ...uuid, nullable: true, description: 'null when automatic' }) @Field(() => ID, { nullable: true }) actorId!:
    string | null;
  @ApiProperty({ enum: ESCALATION_TRIGGERS, enumName: 'EscalationTrigger' })
  @Field(() => EscalationTriggerEnum)
  trigger!: EscalationTrigger;
  @ApiProperty({ type: String, format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) at!: Date;
}

export function toEscalation(e: EscalationEntity): Escalation {
  const h = e.handoff;
  return {
    id: e.id,
    ticketId: e.ticketId,
    fromTierId: e.fromTierId,
    toTierId: e.toTierId,
    direction: e.direction,
    reason: e.reason,
    handoff: h
      ? {
          summary: h.summary ?? null,
          stepsToReproduce: h.stepsToReproduce ?? null,
          environment: h.environment ?? null,
          attachmentIds: h.attachmentIds ?? [],
        }
      : null,
    actorId: e.actorId,
    trigger: e.trigger,
    at: e.at,
  };
}
