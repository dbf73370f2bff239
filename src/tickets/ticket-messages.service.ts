import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isStaff, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { paginate, paginateEach, type KeysetColumn, type Page, type PageRequest } from '../common/pagination/keyset.js';
import { TicketEventEntity } from '../events/ticket-event.entity.js';
import type { AddMessageInput } from './dto/ticket.inputs.js';
import { AttachmentsService } from '../attachments/attachments.service.js';
import { KbUsageService } from '../kb/kb-usage.service.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import { TicketMessageEntity } from '../ticket-core/ticket-message.entity.js';
import type { TicketEntity } from '../ticket-core/ticket.entity.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';

export const MESSAGE_KEYSET: KeysetColumn<TicketMessageEntity>[] = [
  { expression: 'm."createdAt"', direction: 'ASC', value: (m) => m.createdAt.toISOString(), cast: '::timestamptz' },
  { expression: 'm.id', direction: 'ASC', value: (m) => m.id, cast: '::uuid' },
];
export const EVENT_KEYSET: KeysetColumn<TicketEventEntity>[] = [{ expression: 'e.sequence', direction: 'ASC', value: (e) => e.sequence }];

/** Public replies, internal notes (never shown to customers) and the audit trail. */
@Injectable()
export class TicketMessagesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly writer: TicketWriter,
    private readonly attachments: AttachmentsService,
    private readonly kb: KbUsageService,
  ) {}

  async add(actor: Actor, ticketId: string, input: AddMessageInput): Promise<TicketMessageEntity> {
    return this.writer.withLockedTicket(actor, ticketId, (em, ticket) => this.append(em, actor, ticket, input));
  }

  /**
   * A message on a ticket the caller holds locked, in the caller's transaction: the message, its attachments, its
   * event, and what a reply does to the ticket (TicketWriter.messageAdded: search text, first response, status).
   */
  async append(em: EntityManager, actor: Actor, ticket: TicketEntity, input: AddMessageInput): Promise<TicketMessageEntity> {
    const visibility = input.visibility ?? 'public';
    if (visibility === 'internal' && !isStaff(actor)) {
      throw new DomainError('FORBIDDEN', 'Customers can only post public replies', [
        { field: 'visibility', message: 'customers may only post public' },
      ]);
    }
    if (ticket.status === 'closed') throw new DomainError('INVALID_TRANSITION', 'The ticket is closed; open a follow-up ticket instead');
    const saved = await em.save(
      em.create(TicketMessageEntity, {
        ticketId: ticket.id,
        authorId: actor.id,
        visibility,
        body: input.body,
        kbArticleIds: input.kbArticleIds ?? [],
        createdAt: this.writer.now(),
      }),
    );
    await this.attachments.attachToMessage(em, actor, ticket.id, saved.id, input.attachmentIds ?? []);
    await this.kb.link(em, actor, saved, saved.kbArticleIds);
    await this.writer.record(em, ticket, {
      type: 'ticket.message_added',
      actorId: actor.id,
      internal: visibility === 'internal',
      after: {
        messageId: saved.id,
        visibility,
        authorId: actor.id,
        body: input.body,
        attachmentIds: input.attachmentIds ?? [],
        kbArticleIds: saved.kbArticleIds,
      },
    });
    await this.writer.messageAdded(em, actor, ticket, saved);
    return saved;
  }

  async list(actor: Actor, ticketId: string, page: { limit: number; cursor?: string }): Promise<Page<TicketMessageEntity>> {
    await this.access.findVisible(actor, ticketId);
    const qb = this.dataSource.getRepository(TicketMessageEntity).createQueryBuilder('m').where('m."ticketId" = :ticketId', { ticketId });
    if (!isStaff(actor)) qb.andWhere(`m.visibility = 'public'`);
    return paginate(qb, MESSAGE_KEYSET, page);
  }

  /**
   * A page of each ticket's messages, all in one statement (GraphQL `Ticket.messages` on a page of tickets); customers
   * never get internal notes. The ids are of tickets the caller was just shown, so their visibility is already settled.
   */
  async pagesByTicketIds(actor: Actor, ticketIds: readonly string[], page: PageRequest): Promise<Page<TicketMessageEntity>[]> {
    const where = isStaff(actor) ? undefined : `m.visibility = 'public'`;
    return paginateEach(
      this.dataSource,
      { target: TicketMessageEntity, alias: 'm', parentColumn: 'ticketId', parentIds: ticketIds, where },
      MESSAGE_KEYSET,
      page,
    );
  }

  /** The audit trail: staff only (customers get 403 on a ticket they can see, 404 otherwise). */
  async listEvents(actor: Actor, ticketId: string, page: { limit: number; cursor?: string }): Promise<Page<TicketEventEntity>> {
    await this.access.findVisible(actor, ticketId);
    if (!isStaff(actor)) throw new DomainError('FORBIDDEN', 'The audit trail is for agents and admins');
    const qb = this.dataSource.getRepository(TicketEventEntity).createQueryBuilder('e').where('e."ticketId" = :ticketId', { ticketId });
    return paginate(qb, EVENT_KEYSET, page);
  }

  /** A page of each ticket's audit trail, all in one statement (GraphQL `Ticket.events`): staff only, as in REST. */
  async eventPagesByTicketIds(actor: Actor, ticketIds: readonly string[], page: PageRequest): Promise<Page<TicketEventEntity>[]> {
    if (!isStaff(actor)) throw new DomainError('FORBIDDEN', 'The audit trail is for agents and admins');
    return paginateEach(
      this.dataSource,
      { target: TicketEventEntity, alias: 'e', parentColumn: 'ticketId', parentIds: ticketIds },
      EVENT_KEYSET,
      page,
    );
  }
}
