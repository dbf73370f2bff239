import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isStaff, type Actor } from '../auth/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import { EventsService } from '../events/events.service.js';
import { OutboxDispatcher } from '../events/outbox.dispatcher.js';
import { SlaClocks } from '../sla/sla-clocks.service.js';
import type { CreateTicketInput, UpdateTicketInput } from './dto/ticket.inputs.js';
import { TicketAccess } from './ticket-access.js';
import { TicketIntake } from './ticket-intake.service.js';
import { assertAssignable, assertOnly } from './ticket-input-rules.js';
import { assertTransition, type TicketStatus } from './ticket-status.js';
import { TicketEntity } from './ticket.entity.js';

const CUSTOMER_UPDATE_FIELDS = new Set(['subject', 'description']);
const AUDITED_FIELDS = ['subject', 'description', 'status', 'priority', 'type', 'assigneeId', 'tags', 'customFields'] as const;

/** Creating, reading and changing tickets. Every change writes its audit event and outbox row in the same transaction. */
@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly intake: TicketIntake,
    private readonly events: EventsService,
    private readonly outbox: OutboxDispatcher,
    private readonly clocks: SlaClocks,
  ) {}

  create(actor: Actor, input: CreateTicketInput): Promise<TicketEntity> {
    return this.intake.create(actor, input);
  }

  async findOne(actor: Actor, id: string): Promise<TicketEntity> {
    return this.access.findVisible(actor, id);
  }

  async update(actor: Actor, id: string, input: UpdateTicketInput, expectedVersion?: number | null): Promise<TicketEntity> {
    const scope = await this.access.scopeOf(actor);
    const ticket = await this.dataSource.transaction(async (em) => {
      const found = await em.findOne(TicketEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      this.access.assertVisible(scope, found);
      assertVersion(expectedVersion, found.version);
      if (!isStaff(actor)) {
        assertOnly(input, CUSTOMER_UPDATE_FIELDS, 'customers may not change');
        if (found.status !== 'new')
          throw new DomainError('FORBIDDEN', 'A customer may edit the subject and description only while the ticket is new');
      }
      if (input.assigneeId) await assertAssignable(em, input.assigneeId);
      if (input.status) assertTransition(found.status, input.status);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const field of AUDITED_FIELDS) {
        const next = input[field];
        if (next === undefined || JSON.stringify(next) === JSON.stringify(found[field])) continue;
        before[field] = found[field];
        after[field] = next;
      }
      if (Object.keys(after).length === 0) return found;
      Object.assign(found, after);
      const now = new Date();
      if (after.status === 'solved') found.solvedAt = now;
      if (after.status === 'closed') found.closedAt = now;
      if (after.status && after.status !== 'solved' && after.status !== 'closed') found.solvedAt = null;
      if ('subject' in after || 'description' in after) found.searchPublicText = await this.publicSearchText(em, found);
      const saved = await em.save(found);
      if ('status' in after) await this.clocks.onStatusChange(em, saved, before.status as TicketStatus, saved.status, now);
      if ('priority' in after) await this.clocks.reevaluate(em, saved, now);
      await this.events.record(em, saved, { type: 'ticket.updated', actorId: actor.id, before, after });
      if ('status' in after)
        await this.events.record(em, saved, {
          type: 'ticket.status_changed',
          actorId: actor.id,
          before: { status: before.status },
          after: { status: after.status },
        });
      if ('assigneeId' in after)
        await this.events.record(em, saved, {
          type: 'ticket.assigned',
          actorId: actor.id,
          before: { assigneeId: before.assigneeId },
          after: { assigneeId: after.assigneeId },
        });
      return saved;
    });
    this.outbox.poke();
    return ticket;
  }

  private async publicSearchText(em: EntityManager, ticket: TicketEntity): Promise<string> {
    const [{ replies }] = await em.query(
      `SELECT coalesce(string_agg(body, E'\\n' ORDER BY "createdAt"), '') AS replies FROM ticket_message WHERE "ticketId" = $1 AND visibility = 'public'`,
      [ticket.id],
    );
    return `${ticket.subject}\n${ticket.description}\n${replies}`;
  }
}
