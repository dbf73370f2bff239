import { Module, type OnModuleInit } from '@nestjs/common';
import DataLoader from 'dataloader';
import { LoaderRegistry } from '../common/graphql/loader.registry.js';
import { TiersModule } from '../tiers/tiers.module.js';
import { TicketAccess } from './ticket-access.js';
import { TicketEventStream } from './ticket-event-stream.js';
import { TicketMessagesService } from './ticket-messages.service.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import { toTicketEvent, toTicketMessage, type TicketEvent, type TicketMessage } from './ticket.model.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsResolver } from './tickets.resolver.js';
import { TicketsService } from './tickets.service.js';

declare module '../common/graphql/loader.registry.js' {
  interface Loaders {
    publicMessagesByTicketId: DataLoader<string, TicketMessage[]>;
    allMessagesByTicketId: DataLoader<string, TicketMessage[]>;
    eventsByTicketId: DataLoader<string, TicketEvent[]>;
  }
}

@Module({
  imports: [TiersModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketQueriesService, TicketMessagesService, TicketAccess, TicketEventStream, TicketsResolver],
  exports: [TicketsService, TicketAccess],
})
export class TicketsModule implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderRegistry,
    private readonly messages: TicketMessagesService,
  ) {}

  onModuleInit(): void {
    this.loaders.register('publicMessagesByTicketId', () => groupBy(async (ids) => (await this.messages.byTicketIds(ids, false)).map(toTicketMessage)));
    this.loaders.register('allMessagesByTicketId', () => groupBy(async (ids) => (await this.messages.byTicketIds(ids, true)).map(toTicketMessage)));
    this.loaders.register('eventsByTicketId', () => groupBy(async (ids) => (await this.messages.eventsByTicketIds(ids)).map(toTicketEvent)));
  }
}

/** One query per batch, rows grouped back by ticket in key order. */
function groupBy<T extends { ticketId: string }>(fetch: (ticketIds: readonly string[]) => Promise<T[]>): DataLoader<string, T[]> {
  return new DataLoader(async (ticketIds) => {
    const groups = new Map<string, T[]>(ticketIds.map((id) => [id, []]));
    for (const row of await fetch(ticketIds)) groups.get(row.ticketId)?.push(row);
    return ticketIds.map((id) => groups.get(id)!);
  });
}
