import { Args, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { CreateRoutingRuleInput, UpdateRoutingRuleInput } from './dto/routing-rule.input.js';
import { RoutingRule, routingRuleFromJson, toRoutingRule } from './routing-rule.model.js';
import { ROUTING_RULE_KEYSET, RoutingRulesService } from './routing-rules.service.js';

@ObjectType('RoutingRuleConnection')
class RoutingRuleConnection extends Connection(RoutingRule) {}

@Resolver(() => RoutingRule)
export class RoutingRulesResolver {
  constructor(
    private readonly service: RoutingRulesService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Query(() => RoutingRuleConnection, { description: 'Admin only. In the order they are tried: position, then age.' })
  @Roles('admin')
  async routingRules(@CurrentActor() actor: Actor, @Args() args: ConnectionArgs) {
    const page = await this.service.list(actor, args.toPage());
    return toConnection(page, toRoutingRule, (r) => cursorFor(ROUTING_RULE_KEYSET, r));
  }

  @Query(() => RoutingRule, { description: 'Admin only.' })
  @Roles('admin')
  async routingRule(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toRoutingRule(await this.service.findOne(actor, id));
  }

  @Mutation(() => RoutingRule, { description: 'Admin only.' })
  @Roles('admin')
  async createRoutingRule(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateRoutingRuleInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ): Promise<RoutingRule> {
    return this.idempotency.mutation(
      actor,
      'createRoutingRule',
      input,
      idempotencyKey,
      (a) => this.service.create(a, input),
      toRoutingRule,
      routingRuleFromJson,
    );
  }

  @Mutation(() => RoutingRule, { description: 'Admin only. In `conditions`, each given list replaces its list.' })
  @Roles('admin')
  async updateRoutingRule(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateRoutingRuleInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toRoutingRule(await this.service.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => Boolean, { description: 'Admin only.' })
  @Roles('admin')
  async deleteRoutingRule(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    await this.service.remove(actor, id);
    return true;
  }
}
