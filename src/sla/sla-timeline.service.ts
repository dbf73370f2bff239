import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { assertRole, type Actor } from '../actor/actor.js';
import { Clock } from '../common/clock/clock.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import { SlaClockEntity } from './sla-clock.entity.js';
import { toSlaClock, type SlaTimeline } from './sla-timeline.model.js';

/** `GET /v1/tickets/{id}/sla`: every clock of the ticket with its pauses, for agents and admins who can see the ticket. */
@Injectable()
export class SlaTimelineService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: TicketAccess,
    private readonly clock: Clock,
  ) {}

  async timeline(actor: Actor, ticketId: string): Promise<SlaTimeline> {
    assertRole(actor, 'agent', 'admin');
    const ticket = await this.access.findVisible(actor, ticketId);
    const clocks = await this.dataSource
      .getRepository(SlaClockEntity)
      .find({ where: { ticketId }, order: { metric: 'ASC', cycle: 'ASC' } });
    const now = this.clock.date();
    return { ticketId, policyId: ticket.slaPolicyId, clocks: clocks.map((c) => toSlaClock(c, now)) };
  }
}
