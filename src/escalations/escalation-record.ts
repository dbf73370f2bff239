import type { EntityManager } from 'typeorm';
import type { TicketWriter } from '../ticket-core/ticket-writer.js';
import type { TicketEntity } from '../ticket-core/ticket.entity.js';
import type { TierEntity } from '../tiers/tier.entity.js';
import { EscalationEntity, type EscalationTrigger, type Handoff } from './escalation.entity.js';

export interface MoveRecord {
  from: TierEntity;
  to: TierEntity;
  reason: string;
  handoff: Handoff | null;
  actorId: string | null;
  trigger: EscalationTrigger;
}

/**
 * Writes the escalation record and its audit/outbox event (staff only: reasons and hand-offs are internal) inside the
 * caller's transaction. Used by manual moves, SLA breaches and routing rules alike.
 */
export async function recordEscalation(
  em: EntityManager,
  events: Pick<TicketWriter, 'record' | 'now'>,
  ticket: TicketEntity,
  move: MoveRecord,
): Promise<EscalationEntity> {
  const direction = move.to.level >= move.from.level ? 'up' : 'down';
  const record = await em.save(
    em.create(EscalationEntity, {
      ticketId: ticket.id,
      fromTierId: move.from.id,
      toTierId: move.to.id,
      direction,
      reason: move.reason,
      handoff: move.handoff,
      actorId: move.actorId,
      trigger: move.trigger,
      at: events.now(),
    }),
  );
  await events.record(em, ticket, {
    type: direction === 'up' ? 'ticket.escalated' : 'ticket.de_escalated',
    actorId: move.actorId,
    internal: true,
    before: { tierId: move.from.id, escalationLevel: move.from.level },
    after: {
      tierId: move.to.id,
      escalationLevel: move.to.level,
      escalationId: record.id,
      trigger: move.trigger,
      reason: move.reason,
      handoff: move.handoff,
    },
  });
  return record;
}
