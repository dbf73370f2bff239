import { Module } from '@nestjs/common';
import { TicketAccessModule } from '../tickets/ticket-access.module.js';
import { SlaClocks } from './sla-clocks.service.js';
import { SlaController } from './sla.controller.js';
import { SlaResolver } from './sla.resolver.js';
import { SlaTimelineService } from './sla-timeline.service.js';

/** SLA clocks (started, paused, met and retargeted by ticket changes) and their timeline. Policies: SlaPoliciesModule. */
@Module({
  imports: [TicketAccessModule],
  controllers: [SlaController],
  providers: [SlaClocks, SlaTimelineService, SlaResolver],
  exports: [SlaClocks],
})
export class SlaModule {}
