import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { TicketCoreModule } from '../ticket-core/ticket-core.module.js';
import { EscalationsController } from './escalations.controller.js';
import { EscalationsResolver } from './escalations.resolver.js';
import { EscalationsService } from './escalations.service.js';
import { SlaDeadlineWorker } from './sla-deadline.worker.js';

@Module({
  imports: [TicketCoreModule, SlaModule, AttachmentsModule],
  controllers: [EscalationsController],
  providers: [EscalationsService, EscalationsResolver, SlaDeadlineWorker],
})
export class EscalationsModule {}
