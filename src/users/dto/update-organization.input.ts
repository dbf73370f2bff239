import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

@InputType()
export class UpdateOrganizationInput {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  /** Customers of the organization see each other's tickets. */
  @ApiPropertyOptional({ description: "Customers of the organization see each other's tickets" })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  shareTickets?: boolean;
}
