import { Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole } from '../api-key.entity.js';
import { ApiKeyRoleEnum } from '../api-key.model.js';

@InputType()
export class CreateApiKeyInput {
  /** What the key is for, e.g. "nightly export". */
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'nightly export' })
  @Field(() => String)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES, enumName: 'ApiKeyRole' })
  @Field(() => ApiKeyRoleEnum)
  @IsIn(API_KEY_ROLES)
  role!: ApiKeyRole;

  /** After this instant the key is refused. */
  @ApiPropertyOptional({ type: String, format: 'date-time', maxLength: 30 })
  @Field(() => GraphQLISODateTime, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date;
}
