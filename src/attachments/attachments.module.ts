import { Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { JobQueue } from '../jobs/job-queue.js';
import { TicketAccessModule } from '../tickets/ticket-access.module.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsResolver } from './attachments.resolver.js';
import { AttachmentsService } from './attachments.service.js';
import { AttachmentStorageModule } from './storage/storage.module.js';

export const ATTACHMENT_GC_QUEUE = 'attachments-gc';

@Module({
  imports: [TicketAccessModule, AttachmentStorageModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentsResolver],
  exports: [AttachmentsService],
})
export class AttachmentsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly attachments: AttachmentsService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Uploads never attached to a message or answer are removed after the TTL; one replica runs each sweep.
    this.jobs.register(ATTACHMENT_GC_QUEUE, async () => {
      const cutoff = new Date(Date.now() - this.config.attachments.unattachedTtlHours * 3_600_000);
      while ((await this.attachments.collectUnattached(cutoff)) > 0);
    }, { cron: '*/10 * * * *' });
  }
}
