import { Module, type OnModuleInit } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { LoaderRegistry } from '../common/graphql/loader.registry.js';
import { loaderGroupedBy } from '../common/graphql/loaders.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { TiersModule } from '../tiers/tiers.module.js';
import { TicketAccessModule } from './ticket-access.module.js';
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
  imports: [TiersModule, TicketAccessModule, SlaModule, AttachmentsModule, AuthModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketQueriesService, TicketMessagesService, TicketEventStream, TicketsResolver],
  exports: [TicketsService, TicketMessagesService, TicketAccessModule],
})
export class TicketsModule implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderRegistry,
    private readonly messages: TicketMessagesService,
  ) {}

  onModuleInit(): void {
    this.loaders.register('publicMessagesByTicketId', () => loaderGroupedBy('ticketId', async (ids) => (await this.messages.byTicketIds(ids, false)).map(toTicketMessage)));
    this.loaders.register('allMessagesByTicketId', () => loaderGroupedBy('ticketId', async (ids) => (await this.messages.byTicketIds(ids, true)).map(toTicketMessage)));
    this.loaders.register('eventsByTicketId', () => loaderGroupedBy('ticketId', async (ids) => (await this.messages.eventsByTicketIds(ids)).map(toTicketEvent)));
  }
}
