import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import type { Loaders } from '../common/graphql/loader.registry.js';
import type { SubscriberConnection } from '../common/graphql/subscriber-connection.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { ConnectionArgs } from '../common/pagination/page.args.js';
import { toConnection } from '../common/pagination/paginated.js';
import { Tier } from '../tiers/tier.model.js';
import { Organization } from '../users/organization.model.js';
import { User } from '../users/user.model.js';
import { TicketsArgs } from './dto/list-tickets.args.js';
import { AddMessageInput, CreateTicketInput, UpdateTicketInput } from './dto/ticket.inputs.js';
import { TicketEventStream } from './ticket-event-stream.js';
import { TicketMessagesService } from './ticket-messages.service.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import {
  reviveTicket,
  Ticket,
  TicketEvent,
  TicketConnection,
  TicketEventConnection,
  TicketMessage,
  TicketMessageConnection,
  toTicket,
  toTicketMessage,
} from '../ticket-core/ticket.model.js';
import { TicketsService } from './tickets.service.js';

@Resolver(() => Ticket)
export class TicketsResolver {
  constructor(
    private readonly ticketService: TicketsService,
    private readonly queries: TicketQueriesService,
    private readonly messageService: TicketMessagesService,
    private readonly stream: TicketEventStream,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Query(() => Ticket)
  @Roles('customer', 'agent', 'admin')
  async ticket(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return toTicket(await this.ticketService.findOne(actor, id));
  }

  @Query(() => TicketConnection, { description: 'Only tickets the caller may see.' })
  @Roles('customer', 'agent', 'admin')
  async tickets(@CurrentActor() actor: Actor, @Args() args: TicketsArgs) {
    const result = await this.queries.list(actor, args.filter ?? {}, args.toPage());
    const keyset = TicketQueriesService.keysetFor(args.filter?.sort);
    return toConnection(result, toTicket, (t) => cursorFor(keyset, t));
  }

  @Mutation(() => Ticket)
  @Roles('customer', 'agent', 'admin')
  async createTicket(
    @CurrentActor() actor: Actor,
    @Args('input') input: CreateTicketInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ) {
    return this.idempotency.mutation(
      actor,
      'createTicket',
      input,
      idempotencyKey,
      (a) => this.ticketService.create(a, input),
      toTicket,
      reviveTicket,
    );
  }

  @Mutation(() => Ticket)
  @Roles('customer', 'agent', 'admin')
  async updateTicket(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateTicketInput,
    @Args('expectedVersion', { type: () => Int, nullable: true }) expectedVersion?: number,
  ) {
    return toTicket(await this.ticketService.update(actor, id, input, expectedVersion));
  }

  @Mutation(() => TicketMessage)
  @Roles('customer', 'agent', 'admin')
  async addTicketMessage(
    @CurrentActor() actor: Actor,
    @Args('ticketId', { type: () => ID }) ticketId: string,
    @Args('input') input: AddMessageInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ) {
    return this.idempotency.mutation(
      actor,
      `addTicketMessage:${ticketId}`,
      input,
      idempotencyKey,
      (a) => this.messageService.add(a, ticketId, input),
      toTicketMessage,
      messageFromJson,
    );
  }

  @Subscription(() => TicketEvent, { description: 'Events of the tickets the subscriber may see; `after` resumes from a cursor.' })
  @Roles('customer', 'agent', 'admin')
  ticketEvents(
    @CurrentActor() actor: Actor,
    @Args('ticketId', { type: () => ID, nullable: true }) ticketId?: string,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Context('connection') connection?: SubscriberConnection,
  ) {
    return this.stream.subscribe(actor, { ticketId, after }, connection);
  }

  // Nested fields read through services with the request's actor (the loaders carry it), under the same field-level
  // rules as REST: a customer sees other people by name only, no tiers, and only their own organization.
  @ResolveField(() => User)
  requester(@Parent() ticket: Ticket, @Context('loaders') loaders: Loaders) {
    return loaders.userView.load(ticket.requesterId);
  }

  @ResolveField(() => User, { nullable: true })
  assignee(@Parent() ticket: Ticket, @Context('loaders') loaders: Loaders) {
    return ticket.assigneeId ? loaders.userView.load(ticket.assigneeId) : null;
  }

  @ResolveField(() => Tier, { nullable: true, description: 'Null for customers, who cannot read tiers.' })
  tier(@Parent() ticket: Ticket, @Context('loaders') loaders: Loaders) {
    return loaders.tierView.load(ticket.tierId);
  }

  @ResolveField(() => Organization, { nullable: true, description: "Null for a customer unless it is the customer's own." })
  organization(@Parent() ticket: Ticket, @Context('loaders') loaders: Loaders) {
    return ticket.organizationId ? loaders.organizationView.load(ticket.organizationId) : null;
  }

  @ResolveField(() => TicketMessageConnection, { description: 'Oldest first. Customers see public replies only.' })
  messages(@Parent() ticket: Ticket, @Args() page: ConnectionArgs, @Context('loaders') loaders: Loaders) {
    return loaders.messagesPage(page).load(ticket.id);
  }

  @ResolveField(() => TicketEventConnection, { description: 'The audit trail, in order; agents and admins only.' })
  events(@Parent() ticket: Ticket, @Args() page: ConnectionArgs, @Context('loaders') loaders: Loaders) {
    return loaders.eventsPage(page).load(ticket.id);
  }
}

function messageFromJson(m: TicketMessage): TicketMessage {
  return { ...m, createdAt: new Date(m.createdAt) };
}
