import { Args, Context, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import type { Loaders } from '../common/graphql/loader.registry.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { UpdateUserInput } from './dto/update-user.input.js';
import { Organization } from './organization.model.js';
import { toUser, User } from './user.model.js';
import { USER_KEYSET, UsersService } from './users.service.js';

@ObjectType('UserConnection')
class UserConnection extends Connection(User) {}

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly service: UsersService) {}

  @Query(() => UserConnection, { description: 'Admin only.' })
  @Roles('admin')
  async users(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    const page = await this.service.list(actor, args.toPage());
    return toConnection(page, toUser, (u) => cursorFor(USER_KEYSET, u));
  }

  @Query(() => User, { description: 'Admin only.' })
  @Roles('admin')
  async user(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toUser(await this.service.findOne(actor, id));
  }

  @Mutation(() => User, { description: "Admin only: change a user's role or deactivate them." })
  @Roles('admin')
  async updateUser(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateUserInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toUser(await this.service.update(actor, id, input, expectedVersion));
  }

  @ResolveField(() => Organization, { nullable: true })
  organization(@Parent() user: User, @Context('loaders') loaders: Loaders) {
    return user.organizationId ? loaders.organizationView.load(user.organizationId) : null;
  }
}
