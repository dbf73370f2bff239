import { Args, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IdempotencyService } from '../common/idempotency/idempotency.service.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { Connection, toConnection } from '../common/pagination/paginated.js';
import { CreateInfoRequestInput, InfoResponseInput } from './dto/info-request.inputs.js';
import { InfoRequest, reviveInfoRequest, toInfoRequest } from './info-request.model.js';
import { INFO_REQUEST_KEYSET, InfoRequestsService } from './info-requests.service.js';
import { TicketPageArgs } from '../ticket-core/ticket-page.args.js';

@ObjectType('InfoRequestConnection')
class InfoRequestConnection extends Connection(InfoRequest) {}

@Resolver(() => InfoRequest)
export class InfoRequestsResolver {
  constructor(
    private readonly requests: InfoRequestsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Mutation(() => InfoRequest, { description: 'Ask the customer for what is missing; the ticket goes pending.' })
  @Roles('agent', 'admin')
  requestInfo(
    @CurrentActor() actor: Actor,
    @Args('ticketId', { type: () => ID }) ticketId: string,
    @Args('input') input: CreateInfoRequestInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ) {
    return this.idempotency.mutation(
      actor,
      `requestInfo:${ticketId}`,
      input,
      idempotencyKey,
      (a) => this.requests.create(a, ticketId, input),
      toInfoRequest,
      reviveInfoRequest,
    );
  }

  @Mutation(() => InfoRequest, { description: 'Answer one item of an information request.' })
  @Roles('customer', 'agent', 'admin')
  respondToInfoRequest(
    @CurrentActor() actor: Actor,
    @Args('ticketId', { type: () => ID }) ticketId: string,
    @Args('requestId', { type: () => ID }) requestId: string,
    @Args('input') input: InfoResponseInput,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey?: string,
  ) {
    return this.idempotency.mutation(
      actor,
      `respondToInfoRequest:${requestId}`,
      input,
      idempotencyKey,
      (a) => this.requests.respond(a, ticketId, requestId, input),
      toInfoRequest,
      reviveInfoRequest,
    );
  }

  @Query(() => InfoRequestConnection, { description: "A ticket's information requests, oldest first." })
  @Roles('customer', 'agent', 'admin')
  async ticketInfoRequests(@CurrentActor() actor: Actor, @Args() args: TicketPageArgs) {
    const page = await this.requests.list(actor, args.ticketId, args.toPage());
    return toConnection(page, toInfoRequest, (r) => cursorFor(INFO_REQUEST_KEYSET, r));
  }
}
