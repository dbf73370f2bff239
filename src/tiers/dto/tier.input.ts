import { Field, InputType, Int, PartialType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional, PartialType as ApiPartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ASSIGNMENT_STRATEGIES, HANDOFF_FIELDS, type AssignmentStrategy, type HandoffField } from '../tier.entity.js';
import { AssignmentStrategyEnum, HandoffFieldEnum } from '../tier.model.js';

@InputType()
export class CreateTierInput {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Developers' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  /** 1 is the first line. */
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 10, description: '1 is the first line' })
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(10)
  level!: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ format: 'uuid', maxLength: 36, nullable: true })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUUID()
  escalationTargetId?: string | null;

  @ApiPropertyOptional({ enum: HANDOFF_FIELDS, enumName: 'HandoffField', isArray: true, maxItems: 4 })
  @Field(() => [HandoffFieldEnum], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(HANDOFF_FIELDS, { each: true })
  requiredHandoff?: HandoffField[];

  @ApiPropertyOptional({ enum: ASSIGNMENT_STRATEGIES, enumName: 'AssignmentStrategy' })
  @Field(() => AssignmentStrategyEnum, { nullable: true })
  @IsOptional()
  @IsIn(ASSIGNMENT_STRATEGIES)
  assignment?: AssignmentStrategy;
}

@InputType()
export class UpdateTierInput extends PartialType(CreateTierInput, InputType) {}
export class UpdateTierBody extends ApiPartialType(CreateTierInput) {}
