import { Query, Resolver } from '@nestjs/graphql';
import { TiersService } from '../tiers/tiers.service.js';
import type { Actor } from '../actor/actor.js';
import { Caller } from './caller.model.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';

@Resolver(() => Caller)
export class MeResolver {
  constructor(private readonly tiers: TiersService) {}

  @Query(() => Caller, { description: 'The authenticated caller.' })
  @Roles('customer', 'agent', 'admin')
  async me(@CurrentActor() actor: Actor): Promise<Caller> {
    return Caller.of(actor, await this.tiers.tierIdsOf(actor.id));
  }
}
