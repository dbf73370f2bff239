import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { TICKET_PRIORITIES, type TicketPriority } from '../ticket-core/ticket-status.js';
import { TicketPriorityEnum } from '../ticket-core/ticket.enums.js';
import type { SlaPolicyEntity } from './sla-policy.entity.js';

/** A year: the longest target a policy may set. */
export const MAX_SLA_MINUTES = 525_600;
const minutes = { type: 'integer', format: 'int32', minimum: 1, maximum: MAX_SLA_MINUTES } as const;

@ObjectType('SlaPolicy')
export class SlaPolicy {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 100 }) @Field(() => String) name!: string;
  @ApiProperty({ enum: TICKET_PRIORITIES, enumName: 'TicketPriority' }) @Field(() => TicketPriorityEnum) priority!: TicketPriority;
  /** Only tickets in this tier; null: any tier without a policy of its own. */
  @ApiProperty({
    type: String,
    format: 'uuid',
    maxLength: 36,
    nullable: true,
    description: 'Only tickets in this tier; null: any tier without a policy of its own',
  })
  @Field(() => ID, { nullable: true, description: 'Only tickets in this tier; null: any tier without a policy of its own.' })
  tierId!: string | null;
  @ApiProperty({ ...minutes, description: 'Minutes to the first public agent reply' })
  @Field(() => Int, { description: 'Minutes to the first public agent reply.' })
  firstResponseMinutes!: number;
  @ApiProperty({ ...minutes, description: 'Minutes to solved' })
  @Field(() => Int, { description: 'Minutes to solved.' })
  resolutionMinutes!: number;
  /** Clocks stop while the ticket waits on the customer or a third party. */
  @ApiProperty({ description: 'Clocks stop while the ticket waits on the customer or a third party' })
  @Field(() => Boolean, { description: 'Clocks stop while the ticket waits on the customer or a third party.' })
  pauseWhilePending!: boolean;
  /** A breach moves the ticket up to the next tier. */
  @ApiProperty({ description: 'A breach moves the ticket up to the next tier' })
  @Field(() => Boolean, { description: 'A breach moves the ticket up to the next tier.' })
  autoEscalate!: boolean;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

export function toSlaPolicy(p: SlaPolicyEntity): SlaPolicy {
  return {
    id: p.id,
    name: p.name,
    priority: p.priority,
    tierId: p.tierId,
    firstResponseMinutes: p.firstResponseMinutes,
    resolutionMinutes: p.resolutionMinutes,
    pauseWhilePending: p.pauseWhilePending,
    autoEscalate: p.autoEscalate,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    version: p.version,
  };
}

/** An idempotent replay is stored JSON, where dates are strings; the DateTime scalar needs Date objects. */
export function slaPolicyFromJson(p: SlaPolicy): SlaPolicy {
  return { ...p, createdAt: new Date(p.createdAt), updatedAt: new Date(p.updatedAt) };
}
