import { Args, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { CreateSlaPolicyInput, UpdateSlaPolicyInput } from './dto/sla-policy.input.js';
import { SlaPolicy, slaPolicyFromJson, toSlaPolicy } from './sla-policy.model.js';
import { SLA_POLICY_KEYSET, SlaPoliciesService } from './sla-policies.service.js';

@ObjectType('SlaPolicyConnection')
class SlaPolicyConnection extends Connection(SlaPolicy) {}

@Resolver(() => SlaPolicy)
export class SlaPoliciesResolver {
  constructor(
    private readonly service: SlaPoliciesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Query(() => SlaPolicyConnection, { description: 'Agents and admins; oldest first.' })
  @Roles('agent', 'admin')
  async slaPolicies(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    const page = await this.service.list(actor, args.toPage());
    return toConnection(page, toSlaPolicy, (p) => cursorFor(SLA_POLICY_KEYSET, p));
  }

  @Query(() => SlaPolicy, { description: 'Agents and admins.' })
  @Roles('agent', 'admin')
  async slaPolicy(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toSlaPolicy(await this.service.findOne(actor, id));
  }

  @Mutation(() => SlaPolicy, { description: 'Admin only. One policy per priority and tier (or no tier): a second one is CONFLICT.' })
  @Roles('admin')
  async createSlaPolicy(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateSlaPolicyInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<SlaPolicy> {
    return this.idempotency.mutation(
      actor,
      'createSlaPolicy',
      input,
      idempotencyKey,
      (a) => this.service.create(a, input),
      toSlaPolicy,
      slaPolicyFromJson,
    );
  }

  @Mutation(() => SlaPolicy, { description: 'Admin only.' })
  @Roles('admin')
  async updateSlaPolicy(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateSlaPolicyInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toSlaPolicy(await this.service.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Admin only.' })
  @Roles('admin')
  async deleteSlaPolicy(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    await this.service.remove(actor, id);
    return true;
  }
}
