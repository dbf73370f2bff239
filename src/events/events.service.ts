import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TicketEntity } from '../tickets/ticket.entity.js';
import { OutboxEntity } from './outbox.entity.js';
import { TicketEventEntity } from './ticket-event.entity.js';

export interface EventInput {
  type: string;
  actorId: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** About an internal note: agents and admins only. */
  internal?: boolean;
}

/**
 * Writes audit events and their outbox rows inside the caller's transaction, so an event exists exactly when its change
 * committed. The caller holds the ticket row lock, which makes per-ticket sequences gap-free and ordered.
 */
@Injectable()
export class EventsService {
  async record(em: EntityManager, ticket: TicketEntity, input: EventInput): Promise<TicketEventEntity> {
    ticket.lastEventSequence += 1;
    // Raw SQL: a TypeORM update would also bump the ticket's version, which is the client-visible edit counter.
    await em.query('UPDATE ticket SET "lastEventSequence" = $2 WHERE id = $1', [ticket.id, ticket.lastEventSequence]);
    const event = await em.save(
      em.create(TicketEventEntity, {
        ticketId: ticket.id,
        sequence: ticket.lastEventSequence,
        type: input.type,
        actorId: input.actorId,
        before: input.before ?? null,
        after: input.after ?? null,
        internal: input.internal ?? false,
        at: new Date(),
      }),
    );
    await em.insert(OutboxEntity, { eventId: event.id });
    return event;
  }
}
