import { ArgsType, Field, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { queryBoolean } from '../../common/validation/query-transforms.js';
import { ConnectionArgs, PageArgs } from '../../common/pagination/page.args.js';
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
import { TicketChannelEnum, TicketPriorityEnum, TicketStatusEnum, TicketTypeEnum } from '../../ticket-core/ticket.enums.js';

export const TICKET_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'priority', 'slaDueAt'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

const list = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

/** Filters shared by REST (query string) and GraphQL (`filter` input). */
@InputType()
export class TicketFilter {
  @ApiPropertyOptional({ description: 'Comma-separated statuses', type: String, maxLength: 100, example: 'open,pending' })
  @Field(() => [TicketStatusEnum], { nullable: true })
  @IsOptional()
  @Transform(list)
  @ArrayMaxSize(6)
  @IsIn(TICKET_STATUSES, { each: true })
  status?: TicketStatus[];

  @ApiPropertyOptional({ description: 'Comma-separated priorities', type: String, maxLength: 100 })
  @Field(() => [TicketPriorityEnum], { nullable: true })
  @IsOptional()
  @Transform(list)
  @ArrayMaxSize(4)
  @IsIn(TICKET_PRIORITIES, { each: true })
  priority?: TicketPriority[];

  @ApiPropertyOptional({ description: 'Comma-separated types', type: String, maxLength: 100 })
  @Field(() => [TicketTypeEnum], { nullable: true })
  @IsOptional()
  @Transform(list)
  @ArrayMaxSize(5)
  @IsIn(TICKET_TYPES, { each: true })
  type?: TicketType[];

  @ApiPropertyOptional({ description: 'Comma-separated channels', type: String, maxLength: 100 })
  @Field(() => [TicketChannelEnum], { nullable: true })
  @IsOptional()
  @Transform(list)
  @ArrayMaxSize(5)
  @IsIn(TICKET_CHANNELS, { each: true })
  channel?: TicketChannel[];

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  tierId?: string;

  /** A user id, `me` or `none`. */
  @ApiPropertyOptional({ type: String, maxLength: 36, pattern: '^(me|none|[0-9a-fA-F-]{36})$', description: 'A user id, `me` or `none`' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^(me|none|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/, {
    message: 'assigneeId must be a user id, me or none',
  })
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  requesterId?: string;

  @ApiPropertyOptional({ maxLength: 50, pattern: '^[^,]+$' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  tag?: string;

  /** Full text over subject, description and public replies (agents: internal notes too). */
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Full text over subject, description and replies' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ type: Boolean })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  slaBreached?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdAfter?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdBefore?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  updatedAfter?: Date;

  @ApiPropertyOptional({
    enum: TICKET_SORTS,
    default: '-createdAt',
    description: '`priority`: most urgent first; `slaDueAt`: soonest deadline first',
  })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIn(TICKET_SORTS)
  sort?: TicketSort;
}

/** `GET /v1/tickets` query: filters + page (IntersectionType carries the validation and OpenAPI metadata of both). */
export class ListTicketsArgs extends IntersectionType(PageArgs, TicketFilter) {}

/** GraphQL `tickets(first, after, filter)`. */
@ArgsType()
export class TicketsArgs extends ConnectionArgs {
  @Field(() => TicketFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TicketFilter)
  filter?: TicketFilter;
}
