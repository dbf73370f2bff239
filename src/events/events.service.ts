import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TicketEntity } from '../tickets/ticket.entity.js';
import { newId } from '../common/ids.js';
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
    const event = em.create(TicketEventEntity, {
      id: newId(),
      ticketId: ticket.id,
      type: input.type,
      actorId: input.actorId,
      before: input.before ?? null,
      after: input.after ?? null,
      internal: input.internal ?? false,
      at: new Date(),
    });
    // One round trip: bump the ticket's counter (raw, so the client-visible version stays), insert the event, queue it.
    const [row]: { sequence: number; position: string }[] = await em.query(
      `WITH seq AS (UPDATE ticket SET "lastEventSequence" = "lastEventSequence" + 1 WHERE id = $1 RETURNING "lastEventSequence" AS sequence),
       ev AS (INSERT INTO ticket_event (id, "ticketId", sequence, type, "actorId", before, after, internal, at)
              SELECT $2, $1, seq.sequence, $3, $4, $5::jsonb, $6::jsonb, $7, $8 FROM seq RETURNING id, sequence, position),
       queued AS (INSERT INTO outbox ("eventId") SELECT id FROM ev)
       SELECT sequence, position FROM ev`,
      [ticket.id, event.id, event.type, event.actorId, json(event.before), json(event.after), event.internal, event.at],
    );
    ticket.lastEventSequence = row.sequence;
    return Object.assign(event, row);
  }
}

const json = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));
