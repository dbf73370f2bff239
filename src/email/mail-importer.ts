import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { DataSource, EntityManager } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { AttachmentEntity } from '../attachments/attachment.entity.js';
import { failpoint } from '../common/failpoints/failpoints.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { TicketMessageEntity, type MessageEmail } from '../ticket-core/ticket-message.entity.js';
import { TicketEntity } from '../ticket-core/ticket.entity.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';
import { TicketIntake } from '../tickets/ticket-intake.service.js';
import { TicketMessagesService } from '../tickets/ticket-messages.service.js';
import { EmailIdentities } from '../users/email-identities.js';
import type { UserEntity } from '../users/user.entity.js';
import { toActor } from '../users/users.service.js';
import { answeredIds, bodyOf, dropReason, envelopeOf, idsIn, ticketNumberIn, type MailEnvelope } from './mail-headers.js';
import { MailOutbox } from './mail-outbox.js';
import { MailParts, type StoredPart } from './mail-parts.js';
import { MailboxEntity, mailboxAddresses } from './mailbox.entity.js';

// A message whose import failed this often is given up (dropped with the last error) instead of retried forever.
const MAX_ATTEMPTS = 10;
// How many unimported mails a thread's import goes back through before threading the one it was asked for.
const MAX_THREAD_DEPTH = 20;
const MAX_SUBJECT = 200;
const MAX_BODY = 50_000;
class AlreadyImported extends Error {}

/**
 * Turns a received mail into a ticket or a reply, exactly once: the attachments' bytes are written first, under keys
 * derived from the mail (a retry overwrites the same objects), then ONE transaction creates the ticket or message,
 * the attachment rows and their events, and marks the mail imported (only if it is still `received`: a second run
 * of the same job rolls back). A crash before that commit leaves the mail `received`; the job runs again.
 */
@Injectable()
export class MailImporter {
  private readonly logger = new Logger('Mail');
  private system: UserEntity | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identities: EmailIdentities,
    private readonly intake: TicketIntake,
    private readonly messages: TicketMessagesService,
    private readonly writer: TicketWriter,
    private readonly parts: MailParts,
    private readonly outbox: OutboxDispatcher,
    private readonly mailOutbox: MailOutbox,
  ) {}

  /**
   * `visiting`: the imports this one was started from (an earlier mail of a thread is imported first, and a loop of
   * mails naming each other must end).
   */
  async import(emailMessageId: string, visiting: ReadonlySet<string> = new Set()): Promise<void> {
    const [claimed]: [{ attempts: number; raw: Buffer | null; mailboxId: string }[], number] = await this.dataSource.query(
      `UPDATE email_message SET attempts = attempts + 1 WHERE id = $1 AND status = 'received' RETURNING attempts, raw, "mailboxId"`,
      [emailMessageId],
    );
    const row = claimed[0];
    if (!row) return; // imported or dropped already: nothing to do
    if (!row.raw) return this.drop(emailMessageId, 'the raw message is missing');
    if (row.attempts > MAX_ATTEMPTS) return this.drop(emailMessageId, `import failed ${MAX_ATTEMPTS} times`);
    const mailbox = await this.dataSource.getRepository(MailboxEntity).findOneBy({ id: row.mailboxId });
    if (!mailbox) return;
    const parsed = await simpleParser(row.raw, { skipHtmlToText: false });
    const envelope = envelopeOf(parsed, row.raw);
    const reason = await this.dropReasonOf(parsed, envelope, row.raw);
    if (reason) return this.drop(emailMessageId, reason);
    const sender = await this.identities.senderFor(envelope.from!, envelope.fromName);
    if (!sender.active) return this.drop(emailMessageId, 'the sender is deactivated');
    await this.importAnswered(row.mailboxId, envelope, new Set([...visiting, emailMessageId]));
    const thread = await this.threadOf(envelope, sender);
    const notes: string[] = [];
    const parts = await this.parts.store(emailMessageId, parsed, row.raw, notes);
    const body = bodyOf(parsed, MAX_BODY);
    const email: MessageEmail = {
      messageId: envelope.messageId,
      from: envelope.from!,
      to: envelope.to,
      cc: envelope.cc,
      inReplyTo: envelope.inReplyTo,
    };
    const reasonNote = notes.length ? notes.join('; ').slice(0, 2000) : null;
    try {
      if (thread && thread.status !== 'closed') await this.reply(emailMessageId, thread.id, sender, body, parts, email, reasonNote);
      else await this.create(emailMessageId, mailbox, envelope, sender, body, parts, email, reasonNote, thread?.id ?? null);
    } catch (error) {
      if (error instanceof AlreadyImported) return;
      throw error;
    }
  }

  private async create(
    emailMessageId: string,
    mailbox: MailboxEntity,
    envelope: MailEnvelope,
    sender: UserEntity,
    body: string,
    parts: StoredPart[],
    email: MessageEmail,
    notes: string | null,
    followUpOfId: string | null,
  ): Promise<void> {
    const system = await this.systemUser();
    const tierId = mailbox.tierId && (await this.tierExists(mailbox.tierId)) ? mailbox.tierId : undefined;
    const actor: Actor = {
      ...toActor(system),
      unitOfWork: {
        beforeCommit: async (em, created) => {
          const ticket = created as TicketEntity;
          this.mailOutbox.markImporting(em);
          const message = await this.attachAndAppend(em, ticket, sender, body, parts, email);
          await this.markImported(em, emailMessageId, 'ticket_created', ticket.id, message.id, notes);
          await this.mailOutbox.created(
            em,
            ticket,
            mailbox,
            [email.from],
            envelope.cc.filter((a) => a !== mailbox.address),
          );
          failpoint('email.before-import-commit');
        },
      },
    };
    await this.intake.create(actor, {
      subject: (envelope.subject?.trim() || '(no subject)').slice(0, MAX_SUBJECT),
      description: body,
      channel: 'email',
      requesterId: sender.id,
      ...(tierId ? { tierId } : {}),
      ...(followUpOfId ? { followUpOfId } : {}),
    });
  }

  private async reply(
    emailMessageId: string,
    ticketId: string,
    sender: UserEntity,
    body: string,
    parts: StoredPart[],
    email: MessageEmail,
    notes: string | null,
  ): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      this.mailOutbox.markImporting(em);
      const ticket = await this.writer.lock(em, ticketId);
      if (!ticket) throw new Error(`ticket ${ticketId} is gone`); // retried: the next run threads it as new
      const message = await this.attachAndAppend(em, ticket, sender, body, parts, email);
      await this.markImported(em, emailMessageId, 'reply_added', ticket.id, message.id, notes);
      failpoint('email.before-import-commit');
    });
    this.outbox.poke();
  }

  /** The mail's files as stored attachments of the ticket, then the message that carries them (by the sender). */
  private async attachAndAppend(
    em: EntityManager,
    ticket: TicketEntity,
    sender: UserEntity,
    body: string,
    parts: StoredPart[],
    email: MessageEmail,
  ): Promise<TicketMessageEntity> {
    const actor = toActor(sender);
    for (const p of parts) {
      await em.insert(AttachmentEntity, {
        id: p.id,
        ticketId: ticket.id,
        messageId: null,
        infoRequestId: null,
        uploaderId: sender.id,
        filename: p.filename,
        contentType: p.contentType,
        size: String(p.size),
        sha256: p.sha256,
        kind: p.kind,
        width: p.width,
        height: p.height,
        storageKey: p.storageKey,
        status: 'stored',
      });
      await this.writer.record(em, ticket, {
        type: 'ticket.attachment_added',
        actorId: sender.id,
        internal: false,
        after: { attachmentId: p.id, filename: p.filename, kind: p.kind, size: p.size },
      });
    }
    const message = await this.messages.append(em, actor, ticket, {
      body,
      visibility: 'public',
      attachmentIds: parts.map((p) => p.id),
    });
    await em.update(TicketMessageEntity, { id: message.id }, { email });
    message.email = email;
    return message;
  }

  private async markImported(
    em: EntityManager,
    id: string,
    status: 'ticket_created' | 'reply_added',
    ticketId: string,
    ticketMessageId: string,
    reason: string | null,
  ): Promise<void> {
    const [, affected]: [unknown, number] = await em.query(
      `UPDATE email_message SET status = $2, "ticketId" = $3, "ticketMessageId" = $4, reason = $5, raw = NULL WHERE id = $1 AND status = 'received'`,
      [id, status, ticketId, ticketMessageId, reason],
    );
    if (affected !== 1) throw new AlreadyImported(); // another run got there first: this one rolls back
  }

  private async drop(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE email_message SET status = 'dropped', reason = $2, raw = NULL WHERE id = $1 AND status = 'received'`,
      [id, reason.slice(0, 2000)],
    );
  }

  private async dropReasonOf(parsed: ParsedMail, envelope: MailEnvelope, raw: Buffer): Promise<string | null> {
    const own = await mailboxAddresses(this.dataSource);
    const reason = dropReason(parsed, envelope.from, own);
    if (reason?.startsWith('bounce')) await this.recordBounce(raw, reason);
    if (reason) return reason;
    const [ours] = await this.dataSource.query(`SELECT 1 FROM email_outbound WHERE "messageId" = $1`, [envelope.messageId]);
    return ours ? 'loop: a message we sent' : null;
  }

  /** A bounce names the message it returns (its headers are quoted): those of ours are marked bounced. */
  private async recordBounce(raw: Buffer, reason: string): Promise<void> {
    const ids = [...new Set(idsIn(raw.toString('latin1').slice(0, 1024 * 1024)))].slice(0, 200);
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE email_outbound SET status = 'bounced', "lastError" = $2 WHERE "messageId" = ANY($1::text[]) AND status IN ('sent', 'queued')`,
      [ids, reason],
    );
  }

  /**
   * The mails this one answers that are here but not imported yet are imported first: relays may deliver a reply before
   * the mail it answers, and both may wait in one batch of jobs. Threaded after them, it joins their ticket instead of
   * opening another. (A concurrent run of the same import is harmless: the import is exactly once.)
   */
  private async importAnswered(mailboxId: string, envelope: MailEnvelope, visiting: ReadonlySet<string>): Promise<void> {
    const ids = answeredIds(envelope);
    if (ids.length === 0 || visiting.size > MAX_THREAD_DEPTH) return;
    const waiting: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM email_message WHERE "mailboxId" = $1 AND "messageId" = ANY($2::text[]) AND status = 'received' ORDER BY "receivedAt", id`,
      [mailboxId, ids],
    );
    for (const { id } of waiting) if (!visiting.has(id)) await this.import(id, visiting);
  }

  /**
   * The ticket a mail answers: one whose mail (received or sent) its In-Reply-To/References name, when the sender is its
   * requester, someone copied on it, or staff; else one whose `[#number]` its subject carries, when the sender is its
   * requester. A mail from anyone else starts a ticket of its own.
   */
  private async threadOf(envelope: MailEnvelope, sender: UserEntity): Promise<TicketEntity | null> {
    const ids = answeredIds(envelope);
    const tickets = this.dataSource.getRepository(TicketEntity);
    if (ids.length) {
      const [found]: { ticketId: string }[] = await this.dataSource.query(
        `SELECT "ticketId" FROM (
           SELECT "ticketId" FROM email_message WHERE "messageId" = ANY($1::text[]) AND "ticketId" IS NOT NULL
           UNION ALL SELECT "ticketId" FROM email_outbound WHERE "messageId" = ANY($1::text[])) t LIMIT 1`,
        [ids],
      );
      const ticket = found ? await tickets.findOneBy({ id: found.ticketId }) : null;
      if (ticket && (ticket.requesterId === sender.id || isStaff(toActor(sender)) || (await this.copied(ticket.id, sender.email))))
        return ticket;
    }
    const number = ticketNumberIn(envelope.subject);
    if (number !== null) {
      const ticket = await tickets.findOneBy({ number });
      if (ticket && ticket.requesterId === sender.id) return ticket;
    }
    return null;
  }

  private async copied(ticketId: string, address: string | null): Promise<boolean> {
    if (!address) return false;
    const [hit] = await this.dataSource.query(
      `SELECT 1 FROM email_message WHERE "ticketId" = $1 AND ($2 = ANY(cc) OR $2 = ANY("to") OR "from" = $2) LIMIT 1`,
      [ticketId, address.toLowerCase()],
    );
    return !!hit;
  }

  private async systemUser(): Promise<UserEntity> {
    this.system ??= await this.identities.serviceUser('system:email', 'E-mail channel', 'admin');
    return this.system;
  }

  private async tierExists(id: string): Promise<boolean> {
    const [found] = await this.dataSource.query(`SELECT 1 FROM tier WHERE id = $1 AND "deletedAt" IS NULL`, [id]);
    return !!found;
  }
}
