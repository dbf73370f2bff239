import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../actor/actor.js';
import { CurrentActor } from '../actor/current-actor.decorator.js';
import { Roles } from '../actor/roles.decorator.js';
import { IfMatch } from '../common/http/etag.js';
import { PageArgs } from '../common/pagination/page.args.js';
import { Paginated } from '../common/pagination/paginated.js';
import { ListTicketsArgs } from './dto/list-tickets.args.js';
import { AddMessageInput, CreateTicketInput, UpdateTicketInput } from './dto/ticket.inputs.js';
import { TicketMessagesService } from './ticket-messages.service.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import { Ticket, TicketEvent, TicketMessage, toTicket, toTicketEvent, toTicketMessage } from '../ticket-core/ticket.model.js';
import { TicketsService } from './tickets.service.js';
import { Idempotent } from '../common/idempotency/api-idempotency-key.decorator.js';
import { ParseIdPipe } from '../common/validation/parse-id.pipe.js';

const TicketList = Paginated(Ticket);
const TicketMessageList = Paginated(TicketMessage);
const TicketEventList = Paginated(TicketEvent);

@ApiTags('tickets')
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly queries: TicketQueriesService,
    private readonly messages: TicketMessagesService,
  ) {}

  @Post()
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({
    summary: 'Open a ticket',
    description: 'Customers open for themselves; staff may set requesterId, tier, assignee, priority, tags.',
  })
  @Idempotent(toTicket)
  @ApiCreatedResponse({ type: Ticket })
  async create(@CurrentActor() actor: Actor, @Body() input: CreateTicketInput): Promise<Ticket> {
    return toTicket(await this.tickets.create(actor, input));
  }

  @Get()
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: 'List tickets', description: 'Only tickets the caller may see; filters combine with AND.' })
  @ApiOkResponse({ type: TicketList })
  async list(@CurrentActor() actor: Actor, @Query() args: ListTicketsArgs) {
    const page = await this.queries.list(actor, args, args);
    return { data: page.data.map(toTicket), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: 'Get a ticket', description: '404 when the caller may not see it.' })
  @ApiOkResponse({ type: Ticket })
  async get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<Ticket> {
    return toTicket(await this.tickets.findOne(actor, id));
  }

  @Patch(':id')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({
    summary: 'Change a ticket',
    description:
      'Staff: status, priority, type, assignee, tags, custom fields. Customers: subject/description while new. Honours If-Match.',
  })
  @ApiOkResponse({ type: Ticket })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: UpdateTicketInput,
    @IfMatch() expectedVersion?: number,
  ): Promise<Ticket> {
    return toTicket(await this.tickets.update(actor, id, input, expectedVersion));
  }

  @Post(':id/messages')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({
    summary: 'Reply or add an internal note',
    description: 'Customers post public replies only; a customer reply reopens pending/solved tickets.',
  })
  @Idempotent(toTicketMessage)
  @ApiCreatedResponse({ type: TicketMessage })
  async addMessage(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Body() input: AddMessageInput,
  ): Promise<TicketMessage> {
    return toTicketMessage(await this.messages.add(actor, id, input));
  }

  @Get(':id/messages')
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: 'List the conversation', description: 'Customers never see internal notes.' })
  @ApiOkResponse({ type: TicketMessageList })
  async listMessages(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() page: PageArgs) {
    const result = await this.messages.list(actor, id, page);
    return { data: result.data.map(toTicketMessage), nextCursor: result.nextCursor };
  }

  @Get(':id/events')
  // Customers pass the guard so the service can answer 404 for a ticket they cannot see (403 only for one they can).
  @Roles('customer', 'agent', 'admin')
  @ApiOperation({ summary: 'The audit trail', description: 'Every change, in order, with actor, type, before, after, at.' })
  @ApiOkResponse({ type: TicketEventList })
  async listEvents(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Query() page: PageArgs) {
    const result = await this.messages.listEvents(actor, id, page);
    return { data: result.data.map(toTicketEvent), nextCursor: result.nextCursor };
  }
}
