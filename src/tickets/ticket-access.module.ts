import { Module } from '@nestjs/common';
import { TiersModule } from '../tiers/tiers.module.js';
import { TicketAccess } from './ticket-access.js';

/** The visibility rule on its own, so modules around tickets (SLA, escalations) can use it without importing tickets. */
@Module({ imports: [TiersModule], providers: [TicketAccess], exports: [TicketAccess] })
export class TicketAccessModule {}
