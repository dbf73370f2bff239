import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import {
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_TYPES,
  type TicketChannel,
  type TicketPriority,
  type TicketType,
} from '../ticket-core/ticket-status.js';
import { TicketChannelEnum, TicketPriorityEnum, TicketTypeEnum } from '../ticket-core/ticket.enums.js';
import type { RoutingRuleEntity } from './routing-rule.entity.js';

export const MAX_CONDITION_VALUES = 50;
/** The tag shape tickets accept: a rule tag no ticket can carry would never match. */
export const ROUTING_TAG = /^[\p{L}\p{N}_:.-]{1,50}$/u;
const list = { isArray: true, maxItems: MAX_CONDITION_VALUES, uniqueItems: true } as const;
const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;

/** Every non-empty list must match (AND); within a list any value matches (OR); an empty list matches anything. */
@ObjectType('RoutingConditions')
export class RoutingConditions {
  @ApiProperty({ enum: TICKET_TYPES, enumName: 'TicketType', ...list }) @Field(() => [TicketTypeEnum]) types!: TicketType[];
  @ApiProperty({ enum: TICKET_PRIORITIES, enumName: 'TicketPriority', ...list })
  @Field(() => [TicketPriorityEnum])
  priorities!: TicketPriority[];
  @ApiProperty({ enum: TICKET_CHANNELS, enumName: 'TicketChannel', ...list }) @Field(() => [TicketChannelEnum]) channels!: TicketChannel[];
  /** Matches when the ticket carries any of these tags. */
  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 50, pattern: ROUTING_TAG.source },
    maxItems: MAX_CONDITION_VALUES,
    uniqueItems: true,
    description: 'Matches when the ticket carries any of these tags',
  })
  @Field(() => [String], { description: 'Matches when the ticket carries any of these tags.' })
  tags!: string[];
  /** The requester's organization. */
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: MAX_CONDITION_VALUES,
    uniqueItems: true,
    description: "The requester's organization",
  })
  @Field(() => [ID], { description: "The requester's organization." })
  organizationIds!: string[];
}

@ObjectType('RoutingRule')
export class RoutingRule {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ maxLength: 100 }) @Field(() => String) name!: string;
  /** Lower goes first. */
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000, description: 'Lower goes first' })
  @Field(() => Int, { description: 'Lower goes first.' })
  position!: number;
  @ApiProperty() @Field(() => Boolean) active!: boolean;
  @ApiProperty({ type: RoutingConditions }) @Field(() => RoutingConditions) conditions!: RoutingConditions;
  /** Where matching new tickets go. */
  @ApiProperty({ ...uuid, description: 'Where matching new tickets go' })
  @Field(() => ID, { description: 'Where matching new tickets go.' })
  tierId!: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

export function toRoutingRule(r: RoutingRuleEntity): RoutingRule {
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    active: r.active,
    conditions: { types: r.types, priorities: r.priorities, channels: r.channels, tags: r.tags, organizationIds: r.organizationIds },
    tierId: r.tierId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    version: r.version,
  };
}

/** An idempotent replay is stored JSON, where dates are strings; the DateTime scalar needs Date objects. */
export function routingRuleFromJson(r: RoutingRule): RoutingRule {
  return { ...r, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) };
}
