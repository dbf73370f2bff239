import { Field, ID, InputType, Int, PartialType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional, PartialType as ApiPartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  TICKET_CHANNELS,
  TICKET_PRIORITIES,
  TICKET_TYPES,
  type TicketChannel,
  type TicketPriority,
  type TicketType,
} from '../../ticket-core/ticket-status.js';
import { TicketChannelEnum, TicketPriorityEnum, TicketTypeEnum } from '../../ticket-core/ticket.enums.js';
import { MAX_CONDITION_VALUES, ROUTING_TAG } from '../routing-rule.model.js';

const list = { isArray: true, maxItems: MAX_CONDITION_VALUES, uniqueItems: true } as const;

@InputType()
export class RoutingConditionsInput {
  @ApiPropertyOptional({ enum: TICKET_TYPES, enumName: 'TicketType', ...list })
  @Field(() => [TicketTypeEnum], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_CONDITION_VALUES)
  @ArrayUnique()
  @IsIn(TICKET_TYPES, { each: true })
  types?: TicketType[];

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, enumName: 'TicketPriority', ...list })
  @Field(() => [TicketPriorityEnum], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_CONDITION_VALUES)
  @ArrayUnique()
  @IsIn(TICKET_PRIORITIES, { each: true })
  priorities?: TicketPriority[];

  @ApiPropertyOptional({ enum: TICKET_CHANNELS, enumName: 'TicketChannel', ...list })
  @Field(() => [TicketChannelEnum], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_CONDITION_VALUES)
  @ArrayUnique()
  @IsIn(TICKET_CHANNELS, { each: true })
  channels?: TicketChannel[];

  /** Matches when the ticket carries any of these tags. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 50, pattern: ROUTING_TAG.source },
    maxItems: MAX_CONDITION_VALUES,
    uniqueItems: true,
  })
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_CONDITION_VALUES)
  @ArrayUnique()
  @Matches(ROUTING_TAG, { each: true, message: 'each tag must be 1–50 letters, digits or _ : . -' })
  tags?: string[];

  /** The requester's organization. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: MAX_CONDITION_VALUES,
    uniqueItems: true,
  })
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_CONDITION_VALUES)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  organizationIds?: string[];
}

@InputType()
export class CreateRoutingRuleInput {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Billing questions to Finance' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  /** Lower goes first; default: after the last rule. */
  @ApiPropertyOptional({
    type: 'integer',
    format: 'int32',
    minimum: 0,
    maximum: 1_000_000,
    description: 'Lower goes first; default: after the last rule',
  })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  position?: number;

  @ApiPropertyOptional({ default: true })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  /** Omitted lists match anything. */
  @ApiPropertyOptional({ type: RoutingConditionsInput, description: 'Omitted lists match anything' })
  @Field(() => RoutingConditionsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RoutingConditionsInput)
  conditions?: RoutingConditionsInput;

  /** Where matching new tickets go. */
  @ApiProperty({ format: 'uuid', maxLength: 36, description: 'Where matching new tickets go' })
  @Field(() => ID)
  @IsUUID()
  tierId!: string;
}

/** PATCH: given fields replace; within `conditions`, each given list replaces that list and the others stay. */
@InputType()
export class UpdateRoutingRuleInput extends PartialType(CreateRoutingRuleInput, InputType) {}
export class UpdateRoutingRuleBody extends ApiPartialType(CreateRoutingRuleInput) {}
