import { Field, ID, InputType, Int, PartialType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional, PartialType as ApiPartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TICKET_PRIORITIES, type TicketPriority } from '../../ticket-core/ticket-status.js';
import { TicketPriorityEnum } from '../../ticket-core/ticket.enums.js';
import { MAX_SLA_MINUTES } from '../sla-policy.model.js';

const minutes = { type: 'integer', format: 'int32', minimum: 1, maximum: MAX_SLA_MINUTES } as const;

@InputType()
export class CreateSlaPolicyInput {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Urgent, second line' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: TICKET_PRIORITIES, enumName: 'TicketPriority' })
  @Field(() => TicketPriorityEnum)
  @IsIn(TICKET_PRIORITIES)
  priority!: TicketPriority;

  /** Only tickets in this tier; omitted or null: any tier without a policy of its own. */
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    maxLength: 36,
    nullable: true,
    description: 'Only tickets in this tier; omitted or null: any tier without a policy of its own',
  })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  tierId?: string | null;

  @ApiProperty({ ...minutes, description: 'Minutes to the first public agent reply' })
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_SLA_MINUTES)
  firstResponseMinutes!: number;

  @ApiProperty({ ...minutes, description: 'Minutes to solved' })
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_SLA_MINUTES)
  resolutionMinutes!: number;

  @ApiPropertyOptional({ default: true, description: 'Clocks stop while the ticket waits on the customer or a third party' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  pauseWhilePending?: boolean;

  @ApiPropertyOptional({ default: false, description: 'A breach moves the ticket up to the next tier' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  autoEscalate?: boolean;
}

/** PATCH: given fields replace; `tierId: null` makes the policy apply to any tier. */
@InputType()
export class UpdateSlaPolicyInput extends PartialType(CreateSlaPolicyInput, InputType) {}
export class UpdateSlaPolicyBody extends ApiPartialType(CreateSlaPolicyInput) {}
