import { Args, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { UpdateOrganizationInput } from './dto/update-organization.input.js';
import { Organization, toOrganization } from './organization.model.js';
import { ORGANIZATION_KEYSET, OrganizationsService } from './organizations.service.js';

@ObjectType('OrganizationConnection')
class OrganizationConnection extends Connection(Organization) {}

@Resolver(() => Organization)
export class OrganizationsResolver {
  constructor(private readonly service: OrganizationsService) {}

  @Query(() => OrganizationConnection, { description: 'Agents and admins.' })
  @Roles('agent', 'admin')
  async organizations(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    const page = await this.service.list(actor, args.toPage());
    return toConnection(page, toOrganization, (o) => cursorFor(ORGANIZATION_KEYSET, o));
  }

  @Query(() => Organization)
  @Roles('customer', 'agent', 'admin')
  async organization(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toOrganization(await this.service.findOne(actor, id));
  }

  @Mutation(() => Organization, { description: 'Admin only.' })
  @Roles('admin')
  async updateOrganization(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateOrganizationInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toOrganization(await this.service.update(actor, id, input, expectedVersion));
  }
}
