import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { SlaTimeline } from './sla-timeline.model.js';
import { SlaTimelineService } from './sla-timeline.service.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

@ApiTags('tickets')
@Controller('tickets')
export class SlaController {
  constructor(private readonly timelines: SlaTimelineService) {}

  @Get(':id/sla')
  @Roles('agent', 'admin')
  @ApiOperation({
    summary: "The ticket's SLA clocks",
    description: 'Each clock with its target, start, pauses (from, to, reason), dueAt, satisfiedAt, breachedAt.',
  })
  @ApiOkResponse({ type: SlaTimeline })
  timeline(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<SlaTimeline> {
    return this.timelines.timeline(actor, id);
  }
}
