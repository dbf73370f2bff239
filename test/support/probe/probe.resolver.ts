import { Args, Context, Int, Mutation, Query, ResolveField, Resolver, Subscription, Parent } from '@nestjs/graphql';
import type DataLoader from 'dataloader';
import type { Actor } from '../../../src/actor/actor';
import { CurrentActor } from '../../../src/actor/current-actor.decorator';
import { Public, Roles } from '../../../src/actor/roles.decorator';
import type { Loaders } from '../../../src/common/graphql/loader.registry';
import { CreateProbeInput, Probe } from './probe.dto';
import { ProbeService } from './probe.service';

declare module '../../../src/common/graphql/loader.registry' {
  interface Loaders {
    probeOwnerName: DataLoader<string, string>;
  }
}

@Resolver(() => Probe)
export class ProbeResolver {
  constructor(private readonly service: ProbeService) {}

  @Query(() => [Probe])
  @Roles('customer', 'agent', 'admin')
  async probes(@CurrentActor() actor: Actor, @Args('first', { type: () => Int, defaultValue: 25 }) first: number) {
    return (await this.service.list(actor, { limit: first })).data;
  }

  @Mutation(() => Probe)
  @Roles('customer', 'agent', 'admin')
  createProbe(@CurrentActor() actor: Actor, @Args('input') input: CreateProbeInput) {
    return this.service.create(actor, input);
  }

  @ResolveField(() => String)
  ownerName(@Parent() probe: Probe, @Context('loaders') loaders: Loaders) {
    return loaders.probeOwnerName.load(probe.id);
  }

  @Subscription(() => Probe)
  @Public()
  probeCreated() {
    return this.service.pubSub.asyncIterableIterator('probeCreated');
  }
}
