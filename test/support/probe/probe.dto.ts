import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { PageArgs } from '../../../src/common/pagination/page.args';

export class ProbeLabel {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(10) text!: string;
}

@InputType()
export class CreateProbeInput {
  @ApiProperty() @Field() @IsString() @MinLength(1) @MaxLength(50) name!: string;
  @ApiProperty() @Field(() => Int) @IsInt() @Min(0) @Max(100) rank!: number;
  @ApiProperty({ required: false, type: [ProbeLabel] })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(3)
  @Type(() => ProbeLabel)
  labels?: ProbeLabel[];
  /** Milliseconds to hold the request open (tests in-flight idempotency and graceful shutdown). */
  @ApiProperty({ required: false }) @IsOptional() @IsInt() @Min(0) @Max(5000) delayMs?: number;
  /** Make the handler fail after writing (tests that nothing is half-written and keys are released). */
  @ApiProperty({ required: false }) @Field(() => String, { nullable: true }) @IsOptional() @IsIn(['after-write']) fail?: 'after-write';
}

export class UpdateProbeInput {
  @ApiProperty() @IsOptional() @IsString() @MinLength(1) @MaxLength(50) name?: string;
}

export class ListProbesArgs extends PageArgs {
  @ApiProperty({ required: false }) @IsOptional() @IsIn(['createdAt', '-createdAt', 'rank', '-rank', 'rank,-createdAt']) sort?: string;
}

@ObjectType('Probe')
export class Probe {
  @ApiProperty() @Field(() => ID) id!: string;
  @ApiProperty() @Field() owner!: string;
  @ApiProperty() @Field() name!: string;
  @ApiProperty() @Field(() => Int) rank!: number;
  @ApiProperty() @Field() createdAt!: Date;
  @ApiProperty() @Field(() => Int) version!: number;
}
