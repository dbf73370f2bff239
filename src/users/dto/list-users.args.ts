import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { ROLES, type Role } from '../../actor/actor.js';
import { queryBoolean } from '../../common/validation/query-transforms.js';
import { PageArgs } from '../../common/pagination/page.args.js';
import { USER_KINDS, type UserKind } from '../user.entity.js';

export class ListUsersArgs extends PageArgs {
  @ApiPropertyOptional({ enum: ROLES, enumName: 'Role' }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({ enum: USER_KINDS, enumName: 'UserKind' }) @IsOptional() @IsIn(USER_KINDS) kind?: UserKind;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 }) @IsOptional() @IsUUID() organizationId?: string;
  @ApiPropertyOptional({ type: Boolean }) @IsOptional() @Transform(queryBoolean) @IsBoolean() active?: boolean;
}
