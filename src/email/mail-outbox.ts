import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { newId } from '../common/ids.js';
import { JobQueue } from '../jobs/job-queue.js';
import type { TicketEventEntity } from '../events/ticket-event.entity.js';
import type { TicketEntity } from '../ticket-core/ticket.entity.js';
import { mailboxAddresses, type MailNotifyEvent, type MailboxEntity } from './mailbox.entity.js';

export const EMAIL_SEND_QUEUE = 'email-send';
export type OutboundKind = 'reply' | MailNotifyEvent;

/**
 * Decides, in the transaction of a change, which mail it sends: writes the outbound row (queued, with the Message-ID it
 * will carry and its recipients) and the send job together, so a rollback sends nothing and a commit sends once the job
 * runs. Only tickets that came in through a mailbox get mail, and only while the mailbox has outbound settings.
 */
@Injectable()
export class MailOutbox {
  // Transactions importing a mail: what they write came from the customer by mail and is not mailed back.
  private readonly importing = new WeakSet<EntityManager>();

  constructor(
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  markImporting(em: EntityManager): void {
    this.importing.add(em);
  }

  /** TicketWriter's event listener: agents' public replies always; the mailbox's `notify` events when chosen. */
  async onEvent(em: EntityManager, ticket: TicketEntity, event: TicketEventEntity): Promise<void> {
    if (ticket.channel !== 'email' || event.internal || this.importing.has(em)) return;
    const after = event.after ?? {};
    if (event.type === 'ticket.message_added' && after.visibility === 'public') {
      const [author]: { role: string }[] = await em.query(`SELECT role FROM user_account WHERE id = $1`, [after.authorId]);
      const staff = author?.role === 'agent' || author?.role === 'admin';
      if (staff) return this.queue(em, ticket, 'reply', after.messageId as string, null);
      if (after.authorId !== ticket.requesterId)
        return this.queue(em, ticket, 'ticket.message_added', after.messageId as string, 'ticket.message_added');
      return;
    }
    if (event.type === 'ticket.status_changed' && after.status === 'solved')
      return this.queue(em, ticket, 'ticket.solved', null, 'ticket.solved');
  }

  /** The notice of a ticket just created from a mail (its mailbox is known: the import's). */
  async created(em: EntityManager, ticket: TicketEntity, mailbox: MailboxEntity, to: string[], cc: string[]): Promise<void> {
    if (!mailbox.outbound || !mailbox.active || !mailbox.notify.includes('ticket.created')) return;
    await this.insert(em, mailbox, ticket.id, null, 'ticket.created', to, cc);
  }

  private async queue(
    em: EntityManager,
    ticket: TicketEntity,
    kind: OutboundKind,
    messageId: string | null,
    needs: MailNotifyEvent | null,
  ): Promise<void> {
    // The mailbox of the ticket's first mail; its recipients: the requester and everyone copied on inbound mail.
    const [thread]: { mailboxId: string; outbound: unknown; active: boolean; notify: string[]; address: string }[] = await em.query(
      `SELECT b.id AS "mailboxId", b.outbound, b.active, b.notify, b.address FROM email_message m JOIN mailbox b ON b.id = m."mailboxId"
       WHERE m."ticketId" = $1 ORDER BY m."receivedAt" LIMIT 1`,
      [ticket.id],
    );
    if (!thread || !thread.outbound || !thread.active) return;
    if (needs && !thread.notify.includes(needs)) return;
    const [requester]: { email: string | null }[] = await em.query(`SELECT email FROM user_account WHERE id = $1`, [ticket.requesterId]);
    if (!requester?.email) return;
    const [{ copied }]: { copied: string[] | null }[] = await em.query(
      `SELECT array_agg(DISTINCT a) AS copied FROM email_message m, unnest(m.cc || m."to") a
       WHERE m."ticketId" = $1 AND m.status IN ('ticket_created', 'reply_added')`,
      [ticket.id],
    );
    const ours = await mailboxAddresses(em);
    const to = requester.email.toLowerCase();
    const cc = (copied ?? []).filter((a) => a !== to && !ours.has(a)).slice(0, 50);
    await this.insert(em, { id: thread.mailboxId, address: thread.address }, ticket.id, messageId, kind, [to], cc);
  }

  private async insert(
    em: EntityManager,
    mailbox: { id: string; address: string },
    ticketId: string,
    ticketMessageId: string | null,
    kind: OutboundKind,
    to: string[],
    cc: string[],
  ): Promise<void> {
    const id = newId();
    const domain = mailbox.address.split('@')[1] ?? 'tierdesk.invalid';
    await em.query(
      `INSERT INTO email_outbound (id, "mailboxId", "ticketId", "ticketMessageId", event, "messageId", "to", cc, status, "createdAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9)`,
      [id, mailbox.id, ticketId, ticketMessageId, kind, `${id}@${domain}`, to, cc, this.clock.date()],
    );
    await this.jobs.schedule(em, EMAIL_SEND_QUEUE, { outboundId: id }, this.clock.date());
  }
}
