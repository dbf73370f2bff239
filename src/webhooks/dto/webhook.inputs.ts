import { ArgsType, Field, ID, InputType, Int, PartialType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional, PartialType as ApiPartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ConnectionArgs } from '../../common/pagination/page.args.js';
import { TICKET_PRIORITIES } from '../../ticket-core/ticket-status.js';
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from '../webhook-events.js';

const EVENT_NAMES = [ALL_EVENTS, ...WEBHOOK_EVENT_TYPES];

@InputType()
export class CreateWebhookInput {
  /** The target: http(s), resolving to public addresses only (unless WEBHOOK_ALLOW_PRIVATE=true). */
  @ApiProperty({ format: 'uri', maxLength: 2000, example: 'https://example.com/hooks/tierdesk' })
  @Field(() => String)
  @IsString()
  @MaxLength(2000)
  url!: string;

  /** Event types to send, or `*` for all of them. */
  @ApiProperty({ type: 'array', items: { type: 'string', enum: EVENT_NAMES }, minItems: 1, maxItems: 20, example: ['ticket.created'] })
  @Field(() => [String])
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(EVENT_NAMES, { each: true, message: `each value in events must be * or one of: ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  events!: string[];

  /** Only events of tickets in these tiers (when the event is dispatched); empty or absent: every tier. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: 50 })
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  tierIds?: string[];

  /** Only events of tickets with these priorities; empty or absent: any. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'string', enum: [...TICKET_PRIORITIES] }, maxItems: 4 })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(TICKET_PRIORITIES, { each: true })
  priorities?: string[];

  @ApiPropertyOptional({ default: true })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  /** Send events about internal notes too (staff-facing targets only). Default false. */
  @ApiPropertyOptional({ default: false, description: 'Send events about internal notes too (staff-facing targets only)' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  includeInternal?: boolean;
}

@InputType()
export class UpdateWebhookInput extends PartialType(CreateWebhookInput, InputType) {}
export class UpdateWebhookBody extends ApiPartialType(CreateWebhookInput) {}

@InputType()
export class RotateWebhookSecretInput {
  /** How long the previous secret keeps signing beside the new one; default 86400 (24 h), 0 ends it at once. */
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 604800, default: 86400 })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 86400)
  graceSeconds?: number;
}

@ArgsType()
export class WebhookDeliveriesArgs extends ConnectionArgs {
  @Field(() => ID)
  @IsUUID()
  webhookId!: string;
}
