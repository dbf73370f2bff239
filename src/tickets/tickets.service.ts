import { Injectable } from '@nestjs/common';
import { isStaff, type Actor } from '../actor/actor.js';
import { DomainError } from '../common/errors/domain-error.js';
import { assertVersion } from '../common/http/etag.js';
import type { CreateTicketInput, UpdateTicketInput } from './dto/ticket.inputs.js';
import { TicketAccess } from '../ticket-core/ticket-access.js';
import { TicketIntake } from './ticket-intake.service.js';
import { assertAssignable, assertOnly } from './ticket-input-rules.js';
import type { TicketEntity } from '../ticket-core/ticket.entity.js';
import { TicketWriter } from '../ticket-core/ticket-writer.js';

const CUSTOMER_UPDATE_FIELDS = new Set(['subject', 'description']);

/** Creating, reading and changing tickets: who may change what is decided here, the change itself by the TicketWriter. */
@Injectable()
export class TicketsService {
  constructor(
    private readonly access: TicketAccess,
    private readonly intake: TicketIntake,
    private readonly writer: TicketWriter,
  ) {}

  create(actor: Actor, input: CreateTicketInput): Promise<TicketEntity> {
    return this.intake.create(actor, input);
  }

  async findOne(actor: Actor, id: string): Promise<TicketEntity> {
    return this.access.findVisible(actor, id);
  }

  async update(actor: Actor, id: string, input: UpdateTicketInput, expectedVersion?: number | null): Promise<TicketEntity> {
    return this.writer.withLockedTicket(actor, id, async (em, ticket) => {
      assertVersion(expectedVersion, ticket.version);
      if (!isStaff(actor)) {
        assertOnly(input, CUSTOMER_UPDATE_FIELDS, 'customers may not change');
        if (ticket.status !== 'new')
          throw new DomainError('FORBIDDEN', 'A customer may edit the subject and description only while the ticket is new');
      }
      if (input.assigneeId) await assertAssignable(em, input.assigneeId);
      return this.writer.edit(em, actor, ticket, input);
    });
  }
}
