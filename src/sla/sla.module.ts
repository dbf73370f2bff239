import { Module } from '@nestjs/common';
import { TicketCoreModule } from '../ticket-core/ticket-core.module.js';
import { SlaClocks } from './sla-clocks.service.js';
import { SlaController } from './sla.controller.js';
import { SlaResolver } from './sla.resolver.js';
import { SlaTimelineService } from './sla-timeline.service.js';

/** SLA clocks (started, paused, met and retargeted by ticket changes) and their timeline. Policies: SlaPoliciesModule. */
@Module({
  imports: [TicketCoreModule],
  controllers: [SlaController],
  providers: [SlaClocks, SlaTimelineService, SlaResolver],
  exports: [SlaClocks],
})
export class SlaModule {}
