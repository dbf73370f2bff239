import { Args, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { CreateTierInput, UpdateTierInput } from './dto/tier.input.js';
import { Tier, toTier } from './tier.model.js';
import { TIER_KEYSET, TiersService } from './tiers.service.js';

@ObjectType('TierConnection')
class TierConnection extends Connection(Tier) {}

@Resolver(() => Tier)
export class TiersResolver {
  constructor(private readonly service: TiersService) {}

  @Query(() => TierConnection, { description: 'Every tier, by level, then oldest first.' })
  @Roles('agent', 'admin')
  async tiers(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    const page = await this.service.list(actor, args.toPage());
    return toConnection(page, toTier, (t) => cursorFor(TIER_KEYSET, t));
  }

  @Query(() => Tier)
  @Roles('agent', 'admin')
  async tier(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toTier(await this.service.findOne(actor, id));
  }

  @Mutation(() => Tier, { description: 'Admin only.' })
  @Roles('admin')
  async createTier(@CurrentActor() actor: Actor, @Args('input') input: CreateTierInput) {
    return toTier(await this.service.create(actor, input));
  }

  @Mutation(() => Tier, { description: 'Admin only.' })
  @Roles('admin')
  async updateTier(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateTierInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toTier(await this.service.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Admin only; refused while the tier holds open tickets.' })
  @Roles('admin')
  async deleteTier(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    await this.service.remove(actor, id);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Admin only; idempotent.' })
  @Roles('admin')
  async addTierMember(
    @CurrentActor() actor: Actor,
    @Args('tierId', { type: () => ID }) tierId: string,
    @Args('userId', { type: () => ID }) userId: string,
  ) {
    await this.service.addMember(actor, tierId, userId);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Admin only; idempotent.' })
  @Roles('admin')
  async removeTierMember(
    @CurrentActor() actor: Actor,
    @Args('tierId', { type: () => ID }) tierId: string,
    @Args('userId', { type: () => ID }) userId: string,
  ) {
    await this.service.removeMember(actor, tierId, userId);
    return true;
  }
}
