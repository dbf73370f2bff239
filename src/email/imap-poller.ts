import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ImapFlow } from 'imapflow';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { AppConfig } from '../config/app-config.js';
import { JobQueue } from '../jobs/job-queue.js';
import { MailReceiver } from './mail-receiver.js';
import { MailSecrets } from './mail-secrets.js';
import { MailboxEntity } from './mailbox.entity.js';
import { EMAIL_POLL_QUEUE } from './mailboxes.service.js';

// Messages stored per transaction: one commit per batch, and the UID it reached advances with it.
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Reads new mail from IMAP mailboxes: messages with a UID above the last one stored (all again when UIDVALIDITY
 * changes), in UID order, in batches that each commit the messages, their import jobs and the UID reached.
 */
@Injectable()
export class ImapPoller {
  private readonly logger = new Logger('Mail');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly receiver: MailReceiver,
    private readonly secrets: MailSecrets,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Schedules a poll of every active IMAP mailbox not checked within MAIL_POLL_SECONDS (claimed, so once per interval). */
  async pollDue(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.date();
      const [due]: [{ id: string }[], number] = await em.query(
        `UPDATE mailbox SET "lastCheckedAt" = $1
         WHERE active AND inbound->>'protocol' = 'imap' AND ("lastCheckedAt" IS NULL OR "lastCheckedAt" <= $2) RETURNING id`,
        [now, new Date(now.getTime() - this.config.mail.pollSeconds * 1000)],
      );
      await this.jobs.scheduleMany(
        em,
        EMAIL_POLL_QUEUE,
        due.map((d) => ({ data: { mailboxId: d.id }, runAt: now })),
      );
      return due.length;
    });
  }

  /** One mailbox, now. Failures are kept on the mailbox (`lastError`) and do not retry the job: the next poll will. */
  async poll(mailboxId: string): Promise<{ stored: number }> {
    const box = await this.dataSource.getRepository(MailboxEntity).findOneBy({ id: mailboxId });
    if (!box || !box.active || box.inbound.protocol !== 'imap' || !box.inboundPassword) return { stored: 0 };
    const settings = box.inbound;
    const client = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.username, pass: this.secrets.open(box.inboundPassword, box.id, 'inbound') },
      logger: false,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
    });
    let stored = 0;
    try {
      await client.connect();
      const opened = await client.mailboxOpen(settings.folder, { readOnly: true });
      const uidValidity = String(opened.uidValidity);
      let lastUid = box.imapUidValidity === uidValidity ? Number(box.imapLastUid) : 0;
      if (box.imapUidValidity !== uidValidity) await this.advance(box.id, uidValidity, 0, true);
      if (opened.exists > 0 && (opened.uidNext === undefined || opened.uidNext - 1 > lastUid)) {
        let batch: { uid: number; raw: Buffer; size: number }[] = [];
        let bytes = 0;
        // At most MAIL_MAX_BYTES of each message is downloaded: a larger one is logged as dropped from its headers alone.
        const query = { uid: true, size: true, source: { start: 0, maxLength: this.config.mail.maxBytes } };
        for await (const message of client.fetch(`${lastUid + 1}:*`, query, { uid: true })) {
          if (message.uid <= lastUid || !message.source) continue; // `n:*` names the last message even below n
          batch.push({ uid: message.uid, raw: message.source, size: message.size ?? message.source.length });
          bytes += message.source.length;
          if (batch.length >= BATCH_MESSAGES || bytes >= BATCH_BYTES) {
            stored += await this.store(box.id, uidValidity, batch);
            lastUid = batch[batch.length - 1].uid;
            batch = [];
            bytes = 0;
          }
        }
        if (batch.length) stored += await this.store(box.id, uidValidity, batch);
      }
      await this.dataSource.query(`UPDATE mailbox SET "lastCheckedAt" = $2, "lastError" = NULL WHERE id = $1`, [box.id, this.clock.date()]);
    } catch (error) {
      const message = (error as Error & { responseText?: string }).responseText ?? (error as Error).message;
      this.logger.warn(`Mailbox ${box.address}: ${message}`);
      await this.dataSource.query(`UPDATE mailbox SET "lastCheckedAt" = $2, "lastError" = $3 WHERE id = $1`, [
        box.id,
        this.clock.date(),
        String(message).slice(0, 1000),
      ]);
    } finally {
      await client.logout().catch(() => client.close());
    }
    return { stored };
  }

  private async store(mailboxId: string, uidValidity: string, batch: { uid: number; raw: Buffer; size: number }[]): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      let stored = 0;
      for (const { raw, size } of batch)
        if (await this.receiver.receive(em, mailboxId, raw, size > this.config.mail.maxBytes ? size : null)) stored++;
      await this.advance(mailboxId, uidValidity, batch[batch.length - 1].uid, false, em);
      return stored;
    });
  }

  private async advance(
    mailboxId: string,
    uidValidity: string,
    uid: number,
    reset: boolean,
    em: { query: DataSource['query'] } = this.dataSource,
  ): Promise<void> {
    await em.query(
      reset
        ? `UPDATE mailbox SET "imapUidValidity" = $2, "imapLastUid" = $3 WHERE id = $1`
        : `UPDATE mailbox SET "imapUidValidity" = $2, "imapLastUid" = greatest("imapLastUid", $3) WHERE id = $1`,
      [mailboxId, uidValidity, uid],
    );
  }
}
