import { Module } from '@nestjs/common';
import { TiersModule } from '../tiers/tiers.module.js';
import { TicketAccess } from './ticket-access.js';
import { TicketWriter } from './ticket-writer.js';

/**
 * The ticket core: who may see a ticket (TicketAccess) and the one writer of ticket rows (TicketWriter). Modules around
 * tickets (SLA, escalations, attachments, information requests) build on it without importing the tickets module.
 */
@Module({ imports: [TiersModule], providers: [TicketAccess, TicketWriter], exports: [TicketAccess, TicketWriter] })
export class TicketCoreModule {}
