import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { ROLES, type Role } from '../../auth/actor.js';
import { PageArgs } from '../../common/pagination/page.args.js';
import { USER_KINDS, type UserKind } from '../user.entity.js';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListUsersArgs extends PageArgs {
  @ApiPropertyOptional({ enum: ROLES, enumName: 'Role' }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({ enum: USER_KINDS, enumName: 'UserKind' }) @IsOptional() @IsIn(USER_KINDS) kind?: UserKind;
  @ApiPropertyOptional({ format: 'uuid', maxLength: 36 }) @IsOptional() @IsUUID() organizationId?: string;
  @ApiPropertyOptional({ type: Boolean }) @IsOptional() @Transform(toBoolean) @IsBoolean() active?: boolean;
}
