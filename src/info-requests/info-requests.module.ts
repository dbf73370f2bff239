import { Module, type OnModuleInit } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { JobQueue } from '../jobs/job-queue.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { InfoRequestsController } from './info-requests.controller.js';
import { InfoRequestsResolver } from './info-requests.resolver.js';
import { INFO_REMINDER_QUEUE, InfoRequestsService } from './info-requests.service.js';

@Module({
  imports: [TicketsModule, AttachmentsModule],
  controllers: [InfoRequestsController],
  providers: [InfoRequestsService, InfoRequestsResolver],
})
export class InfoRequestsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly requests: InfoRequestsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ infoRequestId: string }>(INFO_REMINDER_QUEUE, (job) => this.requests.remind(job.infoRequestId));
  }
}
