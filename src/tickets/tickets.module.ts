import { Module, type OnModuleInit } from '@nestjs/common';
import DataLoader from 'dataloader';
import { LoaderRegistry } from '../common/graphql/loader.registry.js';
import { loaderPerPage, type PageArguments } from '../common/graphql/loaders.js';
import { cursorFor } from '../common/pagination/keyset.js';
import { toConnection } from '../common/pagination/paginated.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SlaModule } from '../sla/sla.module.js';
import { TiersModule } from '../tiers/tiers.module.js';
import { KbModule } from '../kb/kb.module.js';
import { TicketCoreModule } from '../ticket-core/ticket-core.module.js';
import { TicketEventStream } from './ticket-event-stream.js';
import { EVENT_KEYSET, MESSAGE_KEYSET, TicketMessagesService } from './ticket-messages.service.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import { toTicketEvent, toTicketMessage, type TicketEventConnection, type TicketMessageConnection } from '../ticket-core/ticket.model.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsResolver } from './tickets.resolver.js';
import { TicketsService } from './tickets.service.js';
import { IntakeCatalogCache } from './intake-catalog.js';
import { TicketIntake } from './ticket-intake.service.js';

declare module '../common/graphql/loader.registry.js' {
  interface Loaders {
    /** A page of each ticket's messages as the request's actor may see them; one loader per distinct page. */
    messagesPage: (page: PageArguments) => DataLoader<string, TicketMessageConnection>;
    /** A page of each ticket's audit trail (staff only); one loader per distinct page. */
    eventsPage: (page: PageArguments) => DataLoader<string, TicketEventConnection>;
  }
}

@Module({
  imports: [TiersModule, TicketCoreModule, SlaModule, AttachmentsModule, AuthModule, KbModule],
  controllers: [TicketsController],
  providers: [
    TicketsService,
    TicketIntake,
    IntakeCatalogCache,
    TicketQueriesService,
    TicketMessagesService,
    TicketEventStream,
    TicketsResolver,
  ],
  exports: [TicketsService, TicketMessagesService, TicketIntake, TicketCoreModule],
})
export class TicketsModule implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderRegistry,
    private readonly messages: TicketMessagesService,
  ) {}

  onModuleInit(): void {
    this.loaders.register('messagesPage', (actor) =>
      loaderPerPage(
        (page) =>
          new DataLoader(async (ids) =>
            (await this.messages.pagesByTicketIds(actor(), ids, page)).map((p) =>
              toConnection(p, toTicketMessage, (m) => cursorFor(MESSAGE_KEYSET, m)),
            ),
          ),
      ),
    );
    this.loaders.register('eventsPage', (actor) =>
      loaderPerPage(
        (page) =>
          new DataLoader(async (ids) =>
            (await this.messages.eventPagesByTicketIds(actor(), ids, page)).map((p) =>
              toConnection(p, toTicketEvent, (e) => cursorFor(EVENT_KEYSET, e)),
            ),
          ),
      ),
    );
  }
}
