import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { ROLES, RoleEnum, type Role } from '../../actor/actor.js';

@InputType()
export class UpdateUserInput {
  /** New role; from then on the role no longer follows the token's claim. */
  @ApiPropertyOptional({ enum: ROLES, enumName: 'Role', description: "New role; from then on it no longer follows the token's role claim" })
  @Field(() => RoleEnum, { nullable: true })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  /** `false` deactivates the user: their credentials are refused with 401. */
  @ApiPropertyOptional({ description: '`false` deactivates the user: their credentials are refused with 401' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
