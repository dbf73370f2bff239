import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isStaff, type Actor } from '../auth/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { EventBus, TICKET_EVENTS_TOPIC } from '../events/event-bus.js';
import { TicketEventEntity } from '../events/ticket-event.entity.js';
import { TicketAccess, type TicketScope } from './ticket-access.js';
import { TicketEntity } from './ticket.entity.js';
import { toTicketEvent, type TicketEvent } from './ticket.model.js';

const BACKLOG_LIMIT = 1000;

/**
 * `ticketEvents(ticketId?, after?)`: the events a subscriber may see, live, after replaying what it missed since its
 * cursor. The live feed is attached before the backlog is read, so nothing falls between the two.
 */
@Injectable()
export class TicketEventStream {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly bus: EventBus,
  ) {}

  async *subscribe(actor: Actor, options: { ticketId?: string | null; after?: string | null }): AsyncGenerator<{ ticketEvents: TicketEvent }> {
    if (options.after != null && !/^\d{1,19}$/.test(options.after)) throw DomainError.validation([{ field: 'after', message: 'after must be an event cursor' }]);
    const scope = await this.access.scopeOf(actor);
    if (options.ticketId) {
      const ticket = await this.dataSource.getRepository(TicketEntity).findOneBy({ id: options.ticketId });
      this.access.assertVisible(scope, ticket);
    }
    const live = this.bus.pubSub.asyncIterableIterator<TicketEventEntity>(TICKET_EVENTS_TOPIC);
    try {
      let last = options.after != null ? BigInt(options.after) : -1n;
      if (options.after != null) {
        const qb = this.dataSource.getRepository(TicketEventEntity).createQueryBuilder('e').where('e.position > :after', { after: options.after });
        if (options.ticketId) qb.andWhere('e."ticketId" = :ticketId', { ticketId: options.ticketId });
        for (const event of await qb.orderBy('e.position', 'ASC').limit(BACKLOG_LIMIT).getMany()) {
          last = BigInt(event.position);
          if (await this.visible(actor, scope, event)) yield { ticketEvents: toTicketEvent(event) };
        }
      }
      for await (const event of live as AsyncIterable<TicketEventEntity>) {
        if (BigInt(event.position) <= last) continue;
        if (options.ticketId && event.ticketId !== options.ticketId) continue;
        if (await this.visible(actor, scope, event)) yield { ticketEvents: toTicketEvent(event) };
      }
    } finally {
      await live.return?.();
    }
  }

  // Re-checked per event: a ticket may move to a tier the subscriber does not work in.
  private async visible(actor: Actor, scope: TicketScope, event: TicketEventEntity): Promise<boolean> {
    if (event.internal && !isStaff(actor)) return false;
    const ticket = await this.dataSource.getRepository(TicketEntity).findOne({
      where: { id: event.ticketId },
      select: { id: true, tierId: true, assigneeId: true, requesterId: true, organizationId: true },
    });
    return ticket !== null && this.access.canSee(scope, ticket);
  }
}
