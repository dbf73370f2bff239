import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { dateOrNull } from '../common/dates.js';
import { JSONObjectScalar } from '../common/graphql/json.scalar.js';
import { Connection } from '../common/pagination/paginated.js';
import { MESSAGE_VISIBILITIES, type MessageVisibility, type TicketMessageEntity } from './ticket-message.entity.js';
import {
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type TicketChannel,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from './ticket-status.js';
import type { SlaMetric, TicketEntity } from './ticket.entity.js';
import {
  MessageVisibilityEnum,
  SlaMetricEnum,
  TicketChannelEnum,
  TicketPriorityEnum,
  TicketStatusEnum,
  TicketTypeEnum,
} from './ticket.enums.js';
import type { TicketEventEntity } from '../events/ticket-event.entity.js';

const dateTime = { type: String, format: 'date-time', maxLength: 30 } as const;
const nullableDateTime = { ...dateTime, nullable: true } as const;
const uuid = { type: String, format: 'uuid', maxLength: 36 } as const;

@ObjectType('TicketSla')
export class TicketSla {
  @ApiProperty({ ...uuid, nullable: true }) @Field(() => ID, { nullable: true }) policyId!: string | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) firstResponseDueAt!: Date | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) resolutionDueAt!: Date | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) firstRespondedAt!: Date | null;
  @ApiProperty({ enum: ['first_response', 'resolution'], enumName: 'SlaMetric', isArray: true, maxItems: 2 })
  @Field(() => [SlaMetricEnum])
  breached!: SlaMetric[];
}

@ObjectType('Ticket')
export class Ticket {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647, description: 'Human ticket number' })
  @Field(() => Int)
  number!: number;
  @ApiProperty({ maxLength: 200 }) @Field(() => String) subject!: string;
  @ApiProperty({ maxLength: 50_000 }) @Field(() => String) description!: string;
  @ApiProperty({ enum: TICKET_STATUSES, enumName: 'TicketStatus' }) @Field(() => TicketStatusEnum) status!: TicketStatus;
  @ApiProperty({ enum: TICKET_PRIORITIES, enumName: 'TicketPriority' }) @Field(() => TicketPriorityEnum) priority!: TicketPriority;
  @ApiProperty({ enum: TICKET_TYPES, enumName: 'TicketType' }) @Field(() => TicketTypeEnum) type!: TicketType;
  @ApiProperty({ enum: TICKET_CHANNELS, enumName: 'TicketChannel' }) @Field(() => TicketChannelEnum) channel!: TicketChannel;
  @ApiProperty(uuid) @Field(() => ID) requesterId!: string;
  @ApiProperty({ ...uuid, nullable: true }) @Field(() => ID, { nullable: true }) organizationId!: string | null;
  @ApiProperty(uuid) @Field(() => ID) tierId!: string;
  @ApiProperty({ ...uuid, nullable: true }) @Field(() => ID, { nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20 }) @Field(() => [String]) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, maxProperties: 50 }) @Field(() => JSONObjectScalar) customFields!: Record<
    string,
    unknown
  >;
  @ApiProperty({ type: TicketSla }) @Field(() => TicketSla) sla!: TicketSla;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 10, description: "The tier's level" })
  @Field(() => Int)
  escalationLevel!: number;
  @ApiProperty({ ...uuid, nullable: true }) @Field(() => ID, { nullable: true }) followUpOfId!: string | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) updatedAt!: Date;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) solvedAt!: Date | null;
  @ApiProperty(nullableDateTime) @Field(() => GraphQLISODateTime, { nullable: true }) closedAt!: Date | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 }) @Field(() => Int) version!: number;
}

const address = { type: String, maxLength: 320 } as const;
const addresses = { type: 'array', items: { type: 'string', maxLength: 320 }, maxItems: 100 } as const;

/** The e-mail a message came in as: the headers that thread it. */
@ObjectType('MessageEmail')
export class MessageEmail {
  @ApiProperty({ maxLength: 998, description: 'Message-ID, without angle brackets' }) @Field(() => String) messageId!: string;
  @ApiProperty(address) @Field(() => String) from!: string;
  @ApiProperty(addresses) @Field(() => [String]) to!: string[];
  @ApiProperty(addresses) @Field(() => [String]) cc!: string[];
  @ApiProperty({ type: String, maxLength: 998, nullable: true, description: 'In-Reply-To, without angle brackets' })
  @Field(() => String, { nullable: true })
  inReplyTo!: string | null;
}

@ObjectType('TicketMessage')
export class TicketMessage {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty(uuid) @Field(() => ID) ticketId!: string;
  @ApiProperty(uuid) @Field(() => ID) authorId!: string;
  @ApiProperty({ enum: MESSAGE_VISIBILITIES, enumName: 'MessageVisibility' })
  @Field(() => MessageVisibilityEnum)
  visibility!: MessageVisibility;
  @ApiProperty({ maxLength: 50_000 }) @Field(() => String) body!: string;
  /** Knowledge-base articles linked in the message. */
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 10,
    description: 'Knowledge-base articles linked in the message',
  })
  @Field(() => [ID], { description: 'Knowledge-base articles linked in the message.' })
  kbArticleIds!: string[];
  /** Set when the message came in by e-mail. */
  @ApiProperty({ type: MessageEmail, nullable: true, description: 'Set when the message came in by e-mail' })
  @Field(() => MessageEmail, { nullable: true, description: 'Set when the message came in by e-mail.' })
  email!: MessageEmail | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) createdAt!: Date;
}

@ObjectType('TicketEvent')
export class TicketEvent {
  @ApiProperty(uuid) @Field(() => ID) id!: string;
  @ApiProperty(uuid) @Field(() => ID) ticketId!: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647, description: 'Order within the ticket' })
  @Field(() => Int)
  sequence!: number;
  /** Resume cursor for `ticketEvents(after:)`. */
  @ApiProperty({ maxLength: 20, pattern: '^[0-9]+$', description: 'Global order; resume cursor for subscriptions' })
  @Field(() => String)
  cursor!: string;
  @ApiProperty({ maxLength: 50, example: 'ticket.status_changed' }) @Field(() => String) type!: string;
  /** Who made the change; null when the system did. */
  @ApiProperty({ ...uuid, nullable: true, description: 'Who made the change; null when the system did' })
  @Field(() => ID, { nullable: true })
  actor!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  @Field(() => JSONObjectScalar, { nullable: true })
  before!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  @Field(() => JSONObjectScalar, { nullable: true })
  after!: Record<string, unknown> | null;
  @ApiProperty(dateTime) @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType('TicketConnection')
export class TicketConnection extends Connection(Ticket) {}

/** `Ticket.messages(first, after)`: oldest first. */
@ObjectType('TicketMessageConnection')
export class TicketMessageConnection extends Connection(TicketMessage) {}

/** `Ticket.events(first, after)`: in the ticket's order (`sequence`). */
@ObjectType('TicketEventConnection')
export class TicketEventConnection extends Connection(TicketEvent) {}

export function toTicket(t: TicketEntity): Ticket {
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    description: t.description,
    status: t.status,
    priority: t.priority,
    type: t.type,
    channel: t.channel,
    requesterId: t.requesterId,
    organizationId: t.organizationId,
    tierId: t.tierId,
    assigneeId: t.assigneeId,
    tags: t.tags,
    customFields: t.customFields,
    sla: {
      policyId: t.slaPolicyId,
      firstResponseDueAt: t.firstResponseDueAt,
      resolutionDueAt: t.resolutionDueAt,
      firstRespondedAt: t.firstRespondedAt,
      breached: t.slaBreached,
    },
    escalationLevel: t.escalationLevel,
    followUpOfId: t.followUpOfId,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    solvedAt: t.solvedAt,
    closedAt: t.closedAt,
    version: t.version,
  };
}

export function toTicketMessage(m: TicketMessageEntity): TicketMessage {
  return {
    id: m.id,
    ticketId: m.ticketId,
    authorId: m.authorId,
    visibility: m.visibility,
    body: m.body,
    kbArticleIds: m.kbArticleIds,
    email: m.email ?? null,
    createdAt: m.createdAt,
  };
}

export function toTicketEvent(e: TicketEventEntity): TicketEvent {
  return {
    id: e.id,
    ticketId: e.ticketId,
    sequence: e.sequence,
    cursor: String(e.position),
    type: e.type,
    actor: e.actorId,
    before: e.before,
    after: e.after,
    at: e.at,
  };
}

/** A ticket back from an idempotent replay's stored JSON. */
export function reviveTicket(t: Ticket): Ticket {
  return {
    ...t,
    createdAt: new Date(t.createdAt),
    updatedAt: new Date(t.updatedAt),
    solvedAt: dateOrNull(t.solvedAt),
    closedAt: dateOrNull(t.closedAt),
    sla: {
      ...t.sla,
      firstResponseDueAt: dateOrNull(t.sla.firstResponseDueAt),
      resolutionDueAt: dateOrNull(t.sla.resolutionDueAt),
      firstRespondedAt: dateOrNull(t.sla.firstRespondedAt),
    },
  };
}
