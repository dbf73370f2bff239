import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertRole, isStaff, type Actor } from '../actor/actor.js';
import type { AttachmentKind } from '../attachments/attachment.entity.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { DomainError } from '../common/errors/domain-error.js';
import { paginate, type KeysetColumn, type Page } from '../common/pagination/keyset.js';
import { AppConfig } from '../config/app-config.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { JobQueue } from '../jobs/job-queue.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import { TicketMessagesService } from '../tickets/ticket-messages.service.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';
import type { CreateInfoRequestInput, InfoResponseInput } from './dto/info-request.inputs.js';
import { InfoRequestEntity, type InfoItem, type InfoItemKind } from './info-request.entity.js';

export const INFO_REMINDER_QUEUE = 'info-request-reminder';
export const INFO_REQUEST_KEYSET: KeysetColumn<InfoRequestEntity>[] = [
  { expression: 'r."createdAt"', direction: 'ASC', value: (r) => r.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'r.id', direction: 'ASC', value: (r) => r.id, cast: '::uuid' },
];
// What an item accepts: a log item refuses a PNG; `file` takes any allowed upload.
const ACCEPTS: Record<InfoItemKind, AttachmentKind[] | null> = { screenshot: ['image'], log: ['log', 'archive'], file: null, text: [] };
const ASKABLE_STATUSES = ['new', 'open', 'pending', 'on_hold'];

/**
 * "Please send us …": an agent asks the requester for named items; the ticket waits (`pending`, SLA paused with reason
 * `info_request`) until every required item is answered, then returns to `open` and `ticket.info_received` fires.
 */
@Injectable()
export class InfoRequestsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly messages: TicketMessagesService,
    private readonly attachments: AttachmentsService,
    private readonly writer: TicketWriter,
    private readonly outbox: OutboxDispatcher,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async create(actor: Actor, ticketId: string, input: CreateInfoRequestInput): Promise<InfoRequestEntity> {
    assertRole(actor, 'agent', 'admin');
    const keys = input.items.map((i) => i.key);
    const duplicate = keys.findIndex((k, i) => keys.indexOf(k) !== i);
    if (duplicate >= 0)
      throw DomainError.validation([{ field: `items[${duplicate}].key`, message: `key "${keys[duplicate]}" is used twice` }]);
    const request = await this.writer.withLockedTicket(actor, ticketId, async (em, ticket) => {
      if (!ASKABLE_STATUSES.includes(ticket.status))
        throw new DomainError('INVALID_TRANSITION', `A ${ticket.status} ticket cannot wait for information`);
      const message = await this.messages.append(em, actor, ticket, { body: input.message, visibility: 'public' });
      const items: InfoItem[] = input.items.map((i) => ({
        key: i.key,
        kind: i.kind,
        label: i.label,
        required: i.required ?? true,
        answer: null,
      }));
      const created = await em.save(
        em.create(InfoRequestEntity, {
          ticketId,
          message: input.message,
          items,
          status: 'open',
          createdById: actor.id,
          messageId: message.id,
          createdAt: this.writer.now(),
        }),
      );
      await this.writer.moveStatus(em, actor, ticket, 'pending', created.createdAt, 'info_request');
      await this.writer.record(em, ticket, {
        type: 'ticket.info_requested',
        actorId: actor.id,
        after: { infoRequestId: created.id, message: input.message, items: items.map(({ answer: _, ...i }) => i) },
      });
      const remindAt = new Date(created.createdAt.getTime() + this.config.infoRequests.reminderHours * 3_600_000);
      await this.jobs.schedule(em, INFO_REMINDER_QUEUE, { infoRequestId: created.id }, remindAt);
      return created;
    });
    return request;
  }

  /** One item answered by the requester (or staff); the last required answer fulfils the request and reopens the ticket. */
  async respond(actor: Actor, ticketId: string, requestId: string, input: InfoResponseInput): Promise<InfoRequestEntity> {
    return this.writer.withLockedTicket(actor, ticketId, async (em, ticket) => {
      if (!isStaff(actor) && ticket.requesterId !== actor.id)
        throw new DomainError('FORBIDDEN', 'Only the requester (or an agent) answers an information request');
      const request = await em.findOne(InfoRequestEntity, { where: { id: requestId, ticketId }, lock: { mode: 'pessimistic_write' } });
      if (!request) throw DomainError.notFound('Information request');
      if (request.status !== 'open') throw new DomainError('INVALID_TRANSITION', `The information request is ${request.status}`);
      const item = request.items.find((i) => i.key === input.itemKey);
      if (!item)
        throw DomainError.validation([
          { field: 'itemKey', message: `no item "${input.itemKey}"; items: ${request.items.map((i) => i.key).join(', ')}` },
        ]);
      const ids = input.attachmentIds ?? [];
      if (item.kind === 'text' && !input.text)
        throw DomainError.validation([{ field: 'text', message: `item "${item.key}" is answered with text` }]);
      if (item.kind !== 'text' && ids.length === 0)
        throw DomainError.validation([{ field: 'attachmentIds', message: `item "${item.key}" needs an uploaded ${item.kind}` }]);
      if (item.kind === 'text' && ids.length)
        throw DomainError.validation([{ field: 'attachmentIds', message: `item "${item.key}" takes text, not files` }]);
      await this.attachments.attachToInfoRequest(em, actor, ticketId, request.id, ids, ACCEPTS[item.kind]);
      const now = this.writer.now();
      item.answer = { text: input.text ?? null, attachmentIds: ids, answeredAt: now.toISOString(), answeredBy: actor.id };
      const fulfilled = request.items.every((i) => !i.required || i.answer);
      if (fulfilled) Object.assign(request, { status: 'fulfilled', fulfilledAt: now });
      const saved = await em.save(request);
      await this.writer.record(em, ticket, {
        type: 'ticket.info_answered',
        actorId: actor.id,
        after: { infoRequestId: request.id, itemKey: item.key, attachmentIds: ids },
      });
      if (fulfilled) {
        // Back to the agents, unless another request still waits on the customer.
        const [{ waiting }] = await em.query(
          `SELECT count(*)::int AS waiting FROM info_request WHERE "ticketId" = $1 AND status = 'open'`,
          [ticketId],
        );
        if (waiting === 0 && ticket.status === 'pending') await this.writer.moveStatus(em, actor, ticket, 'open', now);
        await this.writer.record(em, ticket, { type: 'ticket.info_received', actorId: actor.id, after: { infoRequestId: request.id } });
      }
      return saved;
    });
  }

  async list(actor: Actor, ticketId: string, page: { limit: number; cursor?: string }): Promise<Page<InfoRequestEntity>> {
    await this.access.findVisible(actor, ticketId);
    const qb = this.dataSource.getRepository(InfoRequestEntity).createQueryBuilder('r').where('r."ticketId" = :ticketId', { ticketId });
    return paginate(qb, INFO_REQUEST_KEYSET, page);
  }

  /** The reminder job: once, if the request still waits; idempotent (a second delivery finds remindedAt set). */
  async remind(infoRequestId: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const [row]: { ticketId: string }[] = await em.query('SELECT "ticketId" FROM info_request WHERE id = $1', [infoRequestId]);
      if (!row) return;
      const ticket = await this.writer.lock(em, row.ticketId);
      if (!ticket) return;
      const request = await em.findOneByOrFail(InfoRequestEntity, { id: infoRequestId });
      if (request.status !== 'open' || request.remindedAt) return;
      request.remindedAt = this.writer.now();
      await em.save(request);
      const missing = request.items.filter((i) => i.required && !i.answer).map((i) => i.key);
      await this.writer.record(em, ticket, { type: 'ticket.info_reminder', actorId: null, after: { infoRequestId, missing } });
    });
    this.outbox.poke();
  }
}
