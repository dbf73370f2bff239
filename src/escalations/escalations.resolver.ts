import { Args, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { reviveTicket, Ticket, toTicket } from '../ticket-core/ticket.model.js';
import { EscalateInput } from './dto/escalate.input.js';
import { Escalation, toEscalation } from './escalation.model.js';
import { ESCALATION_KEYSET, EscalationsService } from './escalations.service.js';
import { TicketPageArgs } from '../ticket-core/ticket-page.args.js';

@ObjectType('EscalationConnection')
class EscalationConnection extends Connection(Escalation) {}

@Resolver(() => Escalation)
export class EscalationsResolver {
  constructor(
    private readonly escalations: EscalationsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Mutation(() => Ticket, { description: 'Up a tier; see POST /v1/tickets/{id}/escalate.' })
  @Roles('agent', 'admin')
  escalateTicket(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: EscalateInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ) {
    return this.idempotency.mutation(
      actor,
      `escalateTicket:${id}`,
      input,
      idempotencyKey,
      (a) => this.escalations.move(a, id, 'up', input),
      toTicket,
      reviveTicket,
    );
  }

  @Mutation(() => Ticket, { description: 'Down a tier; see POST /v1/tickets/{id}/de-escalate.' })
  @Roles('agent', 'admin')
  deEscalateTicket(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: EscalateInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ) {
    return this.idempotency.mutation(
      actor,
      `deEscalateTicket:${id}`,
      input,
      idempotencyKey,
      (a) => this.escalations.move(a, id, 'down', input),
      toTicket,
      reviveTicket,
    );
  }

  @Query(() => EscalationConnection, { description: "A ticket's moves between tiers, oldest first." })
  @Roles('agent', 'admin')
  async ticketEscalations(@CurrentActor() actor: Actor, @Args() args: TicketPageArgs) {
    const page = await this.escalations.list(actor, args.ticketId, args.toPage());
    return toConnection(page, toEscalation, (x) => cursorFor(ESCALATION_KEYSET, x));
  }
}
