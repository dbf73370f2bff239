import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { newId } from '../common/ids.js';
import { JobQueue } from '../jobs/job-queue.js';
import { readEnvelope } from './mail-headers.js';

export const EMAIL_IMPORT_QUEUE = 'email-import';

/**
 * Receiving is durable first, processing second: a message is stored (with its raw bytes) and its import job scheduled
 * in the caller's transaction, which also records how far the source has been read (the IMAP UID, or the SMTP 250
 * sent after the commit). A crash before the commit reads the message again; after it, the job imports it. The same
 * Message-ID in the same mailbox is stored once.
 */
@Injectable()
export class MailReceiver {
  constructor(
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores the message unless the mailbox has it already; true when it is new. `tooLargeSize` (the whole message's size,
   * over MAIL_MAX_BYTES; `raw` is then its beginning): only its headers are kept, logged as dropped, nothing imported.
   */
  async receive(em: EntityManager, mailboxId: string, raw: Buffer, tooLargeSize: number | null = null): Promise<boolean> {
    const tooLarge = tooLargeSize !== null;
    const envelope = await readEnvelope(raw);
    const id = newId();
    const inserted: { id: string }[] = await em.query(
      `INSERT INTO email_message (id, "mailboxId", "messageId", "from", "to", cc, subject, "inReplyTo", "references", raw, status, "receivedAt", reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT ("mailboxId", "messageId") DO NOTHING RETURNING id`,
      [
        id,
        mailboxId,
        envelope.messageId,
        envelope.from,
        envelope.to,
        envelope.cc,
        envelope.subject?.slice(0, 998) ?? null,
        envelope.inReplyTo,
        envelope.references,
        tooLarge ? null : raw,
        tooLarge ? 'dropped' : 'received',
        this.clock.date(),
        tooLarge ? `too large: ${tooLargeSize} bytes (MAIL_MAX_BYTES)` : null,
      ],
    );
    if (inserted.length === 0) return false;
    if (tooLarge) return true;
    await this.jobs.schedule(em, EMAIL_IMPORT_QUEUE, { emailMessageId: id }, this.clock.date());
    return true;
  }
}
