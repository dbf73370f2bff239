import { Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { JobQueue } from '../jobs/job-queue.js';
import { TicketCoreModule } from '../ticket-core/ticket-core.module.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsResolver } from './attachments.resolver.js';
import { AttachmentUploads } from './attachment-uploads.service.js';
import { AttachmentsService } from './attachments.service.js';
import { AttachmentStorageModule } from './storage/storage.module.js';

export const ATTACHMENT_GC_QUEUE = 'attachments-gc';
export const ATTACHMENT_SWEEP_QUEUE = 'attachments-sweep';

const HOUR_MS = 3_600_000;
// The slowest upload the sweep waits for: a pending row older than a whole request takes at this rate is abandoned.
const SLOWEST_UPLOAD_BYTES_PER_SECOND = 64 * 1024;

/**
 * What the sweep counts as left behind: pending rows, and files without a row, older than an hour, or than a request of
 * ATTACHMENT_MAX_FILES files of ATTACHMENT_MAX_BYTES takes at 64 KiB/s when that is longer (a running upload's rows
 * stay pending until its last file is in).
 */
export function sweepAgeMs(limits: { maxBytes: number; maxFiles: number }): number {
  return Math.max(HOUR_MS, Math.ceil((limits.maxFiles * limits.maxBytes * 1000) / SLOWEST_UPLOAD_BYTES_PER_SECOND));
}

@Module({
  imports: [TicketCoreModule, AttachmentStorageModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentUploads, AttachmentsResolver],
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
    this.jobs.register(
      ATTACHMENT_GC_QUEUE,
      async () => {
        const cutoff = new Date(Date.now() - this.config.attachments.unattachedTtlHours * 3_600_000);
        while ((await this.attachments.collectUnattached(cutoff)) > 0);
      },
      { cron: '*/10 * * * *' },
    );
    // What interrupted uploads left (a crash mid-upload): listing the whole storage is costly, so hourly.
    this.jobs.register(
      ATTACHMENT_SWEEP_QUEUE,
      async () => {
        await this.attachments.sweep(new Date(Date.now() - sweepAgeMs(this.config.attachments)));
      },
      { cron: '30 * * * *' },
    );
  }
}
