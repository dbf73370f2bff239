import { Field, ID, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';

/** What the receiving tier needs; which fields are required is the target tier's `requiredHandoff`. */
@InputType()
export class HandoffInput {
  @ApiPropertyOptional({ maxLength: 5000 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  summary?: string;

  @ApiPropertyOptional({ maxLength: 20_000 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  stepsToReproduce?: string;

  @ApiPropertyOptional({ maxLength: 5000, description: 'Versions, OS, browser, configuration' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  environment?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: 20 })
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}

@InputType()
export class EscalateInput {
  @ApiProperty({ minLength: 1, maxLength: 2000, description: 'Why the ticket moves; shown to the receiving tier' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    maxLength: 36,
    description:
      "Default: up, the tier's escalationTargetId, else the lowest level above; down, the tier it came from, else the first line",
  })
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  toTierId?: string;

  @ApiPropertyOptional({ type: HandoffInput })
  @Field(() => HandoffInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => HandoffInput)
  handoff?: HandoffInput;
}
