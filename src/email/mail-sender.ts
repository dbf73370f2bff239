import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import nodemailer from 'nodemailer';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { EmailOutboundEntity } from './email-outbound.entity.js';
import { MailSecrets } from './mail-secrets.js';
import { MailboxEntity } from './mailbox.entity.js';

// The thread's Message-IDs sent in References: the first and the latest ones (RFC 5322 allows trimming the middle).
const MAX_REFERENCES = 20;

/**
 * Sends one queued mail (the email-send job): plain text, from the mailbox, to the requester and those copied, threaded
 * under the ticket's mail (In-Reply-To: the latest message of the thread; References: the thread), subject ending in
 * `[#number]`. A temporary failure throws (the job engine retries with backoff); a permanent one (5xx) is recorded as
 * `failed`. Never carries an internal note: only public messages are queued.
 */
@Injectable()
export class MailSender {
  private readonly logger = new Logger('Mail');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secrets: MailSecrets,
    private readonly clock: Clock,
  ) {}

  async send(outboundId: string): Promise<void> {
    const outbound = await this.dataSource.getRepository(EmailOutboundEntity).findOneBy({ id: outboundId });
    if (!outbound || outbound.status !== 'queued') return;
    const mailbox = await this.dataSource.getRepository(MailboxEntity).findOneBy({ id: outbound.mailboxId });
    if (!mailbox?.outbound) return this.finish(outboundId, 'failed', 'the mailbox has no outbound settings');
    const [ticket]: { number: number; subject: string; status: string }[] = await this.dataSource.query(
      `SELECT number, subject, status FROM ticket WHERE id = $1`,
      [outbound.ticketId],
    );
    if (!ticket) return;
    const text = await this.bodyOf(outbound, ticket, mailbox);
    if (text === null) return this.finish(outboundId, 'failed', 'the message is gone or not public');
    const thread = await this.threadOf(outbound);
    const settings = mailbox.outbound;
    const transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: settings.username
        ? {
            user: settings.username,
            pass: mailbox.outboundPassword ? this.secrets.open(mailbox.outboundPassword, mailbox.id, 'outbound') : '',
          }
        : undefined,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
    });
    const prefix = outbound.event === 'ticket.created' ? '' : 'Re: ';
    try {
      await this.dataSource.query(`UPDATE email_outbound SET attempts = attempts + 1 WHERE id = $1`, [outboundId]);
      await transport.sendMail({
        from: settings.from ?? { name: mailbox.name, address: mailbox.address },
        to: outbound.to,
        cc: outbound.cc.length ? outbound.cc : undefined,
        subject: `${prefix}${ticket.subject} [#${ticket.number}]`,
        text,
        messageId: `<${outbound.messageId}>`,
        inReplyTo: thread.length ? `<${thread[thread.length - 1]}>` : undefined,
        references: thread.length ? thread.map((id) => `<${id}>`) : undefined,
        headers: {
          'X-Tierdesk-Ticket': String(ticket.number),
          ...(outbound.event === 'reply' || outbound.event === 'ticket.message_added' ? {} : { 'Auto-Submitted': 'auto-generated' }),
        },
      });
      await this.finish(outboundId, 'sent', null);
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const message = (error as Error).message.slice(0, 1000);
      if (code !== undefined && code >= 500) {
        this.logger.warn(`Mail ${outbound.messageId} refused (${code}): ${message}`);
        return this.finish(outboundId, 'failed', message);
      }
      await this.dataSource.query(`UPDATE email_outbound SET "lastError" = $2 WHERE id = $1`, [outboundId, message]);
      throw error; // temporary: retried by the job engine
    } finally {
      transport.close();
    }
  }

  private async finish(id: string, status: 'sent' | 'failed', error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_outbound SET status = $2, "lastError" = $3, "sentAt" = $4 WHERE id = $1 AND status = 'queued'`,
      [id, status, error, status === 'sent' ? this.clock.date() : null],
    );
  }

  private async bodyOf(outbound: EmailOutboundEntity, ticket: { number: number; subject: string }, mailbox: MailboxEntity) {
    if (outbound.event === 'ticket.created')
      return `We have received your request "${ticket.subject}" and filed it as #${ticket.number}.\nReply to this e-mail to add to it.\n`;
    if (outbound.event === 'ticket.solved')
      return `Your request "${ticket.subject}" (#${ticket.number}) has been solved.\nIf it is not, reply to this e-mail and it will be reopened.\n`;
    const [message]: { body: string; visibility: string }[] = await this.dataSource.query(
      `SELECT body, visibility FROM ticket_message WHERE id = $1`,
      [outbound.ticketMessageId],
    );
    if (!message || message.visibility !== 'public') return null;
    let text = message.body;
    if (mailbox.notify.includes('ticket.info_requested')) {
      const [request]: { items: { label: string; required: boolean }[] }[] = await this.dataSource.query(
        `SELECT items FROM info_request WHERE "messageId" = $1`,
        [outbound.ticketMessageId],
      );
      if (request) text += `\n\nWhat we need:\n${request.items.map((i) => `- ${i.label}${i.required ? '' : ' (optional)'}`).join('\n')}\n`;
    }
    return text.endsWith('\n') ? text : `${text}\n`;
  }

  /** The ticket's mail so far, oldest first: received and sent Message-IDs, capped to the first and the latest. */
  private async threadOf(outbound: EmailOutboundEntity): Promise<string[]> {
    const rows: { messageId: string }[] = await this.dataSource.query(
      `SELECT "messageId" FROM (
         SELECT "messageId", "receivedAt" AS at FROM email_message WHERE "ticketId" = $1 AND status IN ('ticket_created', 'reply_added')
         UNION ALL SELECT "messageId", "createdAt" AS at FROM email_outbound WHERE "ticketId" = $1 AND status IN ('sent', 'bounced') AND id <> $2
       ) t ORDER BY at, "messageId"`,
      [outbound.ticketId, outbound.id],
    );
    const ids = rows.map((r) => r.messageId);
    return ids.length <= MAX_REFERENCES ? ids : [ids[0], ...ids.slice(-(MAX_REFERENCES - 1))];
  }
}
