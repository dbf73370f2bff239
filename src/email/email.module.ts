import { Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AttachmentStorageModule } from '../attachments/storage/storage.module.js';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { JobQueue } from '../jobs/job-queue.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';
import { TicketsModule } from '../tickets/tickets.module.js';
import { UsersModule } from '../users/users.module.js';
import { ImapPoller } from './imap-poller.js';
import { MailImporter } from './mail-importer.js';
import { MailParts } from './mail-parts.js';
import { EMAIL_SEND_QUEUE, MailOutbox } from './mail-outbox.js';
import { EMAIL_IMPORT_QUEUE, MailReceiver } from './mail-receiver.js';
import { MailSecrets } from './mail-secrets.js';
import { MailSender } from './mail-sender.js';
import { MailboxesController } from './mailboxes.controller.js';
import { MailboxesResolver } from './mailboxes.resolver.js';
import { EMAIL_POLL_QUEUE, MailboxesService } from './mailboxes.service.js';
import { SmtpInbound } from './smtp-inbound.js';

// Mail received but not imported (a crash killed its job mid-run): its import is scheduled again after this long.
const STUCK_AFTER_MS = 5 * 60_000;

/** The e-mail channel: mailboxes, mail in (IMAP polling, SMTP delivery) as tickets and replies, and replies out. */
@Module({
  imports: [TicketsModule, UsersModule, AttachmentStorageModule],
  controllers: [MailboxesController],
  providers: [
    MailboxesService,
    MailboxesResolver,
    MailSecrets,
    MailReceiver,
    ImapPoller,
    MailImporter,
    MailParts,
    MailOutbox,
    MailSender,
    SmtpInbound,
  ],
})
export class EmailModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly writer: TicketWriter,
    private readonly poller: ImapPoller,
    private readonly importer: MailImporter,
    private readonly outbox: MailOutbox,
    private readonly sender: MailSender,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.writer.onRecorded((em, ticket, event) => this.outbox.onEvent(em, ticket, event));
    this.jobs.register<{ mailboxId: string }>(EMAIL_POLL_QUEUE, async ({ mailboxId }) => void (await this.poller.poll(mailboxId)), {
      batchSize: 1,
    });
    // Imports overlap (4 per worker): much of one is waiting on the database; the import is exactly once and threads
    // after the mails it answers, so their order does not matter.
    this.jobs.register<{ emailMessageId: string }>(EMAIL_IMPORT_QUEUE, ({ emailMessageId }) => this.importer.import(emailMessageId), {
      concurrency: 4,
    });
    this.jobs.register<{ outboundId: string }>(EMAIL_SEND_QUEUE, ({ outboundId }) => this.sender.send(outboundId), { batchSize: 10 });
  }

  onApplicationBootstrap(): void {
    if (this.config.jobs.workers === 0) return;
    // Every replica looks for due mailboxes; the claim (lastCheckedAt) lets one of them schedule each poll.
    // The first round (at start-up) also takes every import a crash of this or another replica left; later ones only
    // imports received STUCK_AFTER_MS ago and still waiting (their job died with a replica).
    let first = true;
    const tick = () => {
      void this.pollAndRecover(first ? 0 : STUCK_AFTER_MS).catch(() => undefined);
      first = false;
    };
    tick();
    this.timer = setInterval(tick, Math.min(this.config.mail.pollSeconds, 30) * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async pollAndRecover(stuckAfterMs: number): Promise<void> {
    await this.poller.pollDue();
    // Imports a crash interrupted: their job is running nowhere; the import itself is exactly-once, so a spare job is harmless.
    await this.dataSource.transaction(async (em) => {
      const stuck: { id: string }[] = await em.query(
        `SELECT id FROM email_message WHERE status = 'received' AND "receivedAt" < $1 ORDER BY "receivedAt" LIMIT 1000`,
        [new Date(this.clock.now() - stuckAfterMs)],
      );
      await this.jobs.scheduleMany(
        em,
        EMAIL_IMPORT_QUEUE,
        stuck.map((s) => ({ data: { emailMessageId: s.id }, runAt: this.clock.date() })),
      );
    });
  }
}
