import { Field, ID, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { INFO_ITEM_KINDS, type InfoItemKind } from '../info-request.entity.js';
import { InfoItemKindEnum } from '../info-request.model.js';

@InputType()
export class InfoItemInput {
  @ApiProperty({ pattern: '^[a-z0-9_-]{1,50}$', maxLength: 50, example: 'screenshot', description: 'Unique within the request' })
  @Field(() => String)
  @Matches(/^[a-z0-9_-]{1,50}$/, { message: 'key must be 1–50 of a-z 0-9 _ -' })
  key!: string;

  @ApiProperty({ enum: INFO_ITEM_KINDS, enumName: 'InfoItemKind' })
  @Field(() => InfoItemKindEnum)
  @IsIn(INFO_ITEM_KINDS)
  kind!: InfoItemKind;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'A screenshot of the error' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  label!: string;

  @ApiPropertyOptional({ default: true })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  required?: boolean;
}

@InputType()
export class CreateInfoRequestInput {
  @ApiProperty({ minLength: 1, maxLength: 10_000, description: 'Posted to the conversation as a public reply' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  message!: string;

  @ApiProperty({ type: [InfoItemInput], minItems: 1, maxItems: 20 })
  @Field(() => [InfoItemInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => InfoItemInput)
  items!: InfoItemInput[];
}

@InputType()
export class InfoResponseInput {
  @ApiProperty({ maxLength: 50 })
  @Field(() => String)
  @IsString()
  @MaxLength(50)
  itemKey!: string;

  @ApiPropertyOptional({ maxLength: 20_000 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  text?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 20,
    description: 'Your uploads on this ticket',
  })
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];
}
