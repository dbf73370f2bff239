import { Field, ID, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { JSONObjectScalar } from '../../common/graphql/json.scalar.js';
import { IsBoundedJson } from '../../common/validation/is-bounded-json.js';
import { BOUNDED_JSON_DESCRIPTION, JSON_FIELD_LIMITS } from '../../common/validation/json-limits.js';
import { MESSAGE_VISIBILITIES, type MessageVisibility } from '../../ticket-core/ticket-message.entity.js';
import {
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type TicketChannel,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from '../../ticket-core/ticket-status.js';
import {
  MessageVisibilityEnum,
  TicketChannelEnum,
  TicketPriorityEnum,
  TicketStatusEnum,
  TicketTypeEnum,
} from '../../ticket-core/ticket.enums.js';

const TAG = /^[\p{L}\p{N}_:.-]{1,50}$/u;
// Shared by both contracts; OpenAPI also puts it on the TicketChannel enum, so it reads true wherever a channel appears.
const CHANNEL_DESCRIPTION =
  'How the ticket came in: set by the intake (web or api from the credential, email from the mailbox); only agents and admins may give it';

@InputType()
export class CreateTicketInput {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  subject!: string;

  @ApiProperty({ minLength: 1, maxLength: 50_000 })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(50_000)
  description!: string;

  @ApiPropertyOptional({ enum: TICKET_TYPES, enumName: 'TicketType' })
  @Field(() => TicketTypeEnum, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_TYPES)
  type?: TicketType;

  /** Agents and admins only. */
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, enumName: 'TicketPriority', description: 'Agents and admins only' })
  @Field(() => TicketPriorityEnum, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;

  /** How the ticket came in: set by the intake (web or api from the credential, email from the mailbox); only agents and admins may give it. */
  @ApiPropertyOptional({ enum: TICKET_CHANNELS, enumName: 'TicketChannel', description: CHANNEL_DESCRIPTION })
  @Field(() => TicketChannelEnum, { nullable: true, description: CHANNEL_DESCRIPTION })
  @IsOptional()
  @IsIn(TICKET_CHANNELS)
  channel?: TicketChannel;

  /** Agents and admins only: the customer the ticket is for (default: the caller). */
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, description: 'Agents and admins only: the customer the ticket is for' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  requesterId?: string;

  /** Agents and admins only. */
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, description: 'Agents and admins only' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  tierId?: string;

  /** Agents and admins only. */
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, description: 'Agents and admins only' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  /** Agents and admins only. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 50, pattern: TAG.source },
    maxItems: 20,
    description: 'Agents and admins only',
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(TAG, { each: true, message: 'each tag must be 1–50 letters, digits or _ : . -' })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    maxProperties: JSON_FIELD_LIMITS.maxKeys,
    description: BOUNDED_JSON_DESCRIPTION,
  })
  @Field(() => JSONObjectScalar, { nullable: true, description: BOUNDED_JSON_DESCRIPTION })
  @IsOptional()
  @IsBoundedJson()
  customFields?: Record<string, unknown>;

  /** A closed ticket this one follows up. */
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, description: 'A closed ticket this one follows up' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  followUpOfId?: string;
}

@InputType()
export class UpdateTicketInput {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 50_000 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50_000)
  description?: string;

  @ApiPropertyOptional({ enum: TICKET_STATUSES, enumName: 'TicketStatus' })
  @Field(() => TicketStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, enumName: 'TicketPriority' })
  @Field(() => TicketPriorityEnum, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ enum: TICKET_TYPES, enumName: 'TicketType' })
  @Field(() => TicketTypeEnum, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_TYPES)
  type?: TicketType;

  /** null unassigns. */
  @ApiPropertyOptional({ type: String, format: 'uuid', maxLength: 36, nullable: true, description: 'null unassigns' })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', maxLength: 50, pattern: TAG.source }, maxItems: 20 })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(TAG, { each: true, message: 'each tag must be 1–50 letters, digits or _ : . -' })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    maxProperties: JSON_FIELD_LIMITS.maxKeys,
    description: BOUNDED_JSON_DESCRIPTION,
  })
  @Field(() => JSONObjectScalar, { nullable: true, description: BOUNDED_JSON_DESCRIPTION })
  @IsOptional()
  @IsBoundedJson()
  customFields?: Record<string, unknown>;
}

@InputType()
export class AddMessageInput {
  @ApiProperty({ minLength: 1, maxLength: 50_000 })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(50_000)
  body!: string;

  /** Customers may only post `public`. */
  @ApiPropertyOptional({
    enum: MESSAGE_VISIBILITIES,
    enumName: 'MessageVisibility',
    default: 'public',
    description: 'Customers may only post public',
  })
  @Field(() => MessageVisibilityEnum, { nullable: true })
  @IsOptional()
  @IsIn(MESSAGE_VISIBILITIES)
  visibility?: MessageVisibility;

  /** Your unattached uploads on this ticket (`POST /v1/tickets/{id}/attachments`) to attach to this message. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 20,
    description: 'Your unattached uploads on this ticket',
  })
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];

  /** Knowledge-base articles to link (agents and admins; a public reply links published articles only). */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 10,
    description: 'Knowledge-base articles to link (agents and admins; a public reply links published articles only)',
  })
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  kbArticleIds?: string[];
}
