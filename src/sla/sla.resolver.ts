import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { SlaTimeline } from './sla-timeline.model.js';
import { SlaTimelineService } from './sla-timeline.service.js';

@Resolver(() => SlaTimeline)
export class SlaResolver {
  constructor(private readonly timelines: SlaTimelineService) {}

  @Query(() => SlaTimeline, { description: "The ticket's SLA clocks with their pauses; agents and admins." })
  @Roles('agent', 'admin')
  ticketSla(@CurrentActor() actor: Actor, @Args('ticketId', { type: () => ID }) ticketId: string) {
    return this.timelines.timeline(actor, ticketId);
  }
}
