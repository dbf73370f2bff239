import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { Paginated } from '../common/pagination/paginated.js';
import { ListUsersArgs } from './dto/list-users.args.js';
import { UpdateUserInput } from './dto/update-user.input.js';
import { toUser, User } from './user.model.js';
import { UsersService } from './users.service.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const UserList = Paginated(User);

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users', description: 'Admin only. Filters: role, kind, organizationId, active.' })
  @ApiOkResponse({ type: UserList })
  async list(@CurrentActor() actor: Actor, @Query() args: ListUsersArgs) {
    const page = await this.users.list(actor, args);
    return { data: page.data.map(toUser), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Get a user', description: 'Admin only.' })
  @ApiOkResponse({ type: User })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<User> {
    return toUser(await this.users.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: "Change a user's role or deactivate them", description: 'Admin only. Honours If-Match.' })
  @ApiOkResponse({ type: User })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateUserInput,
    @IfMatch() expectedVersion?: number,
  ): Promise<User> {
    return toUser(await this.users.update(actor, id, input, expectedVersion));
  }
}
