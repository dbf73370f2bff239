import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus.js';
import { EventsService } from './events.service.js';
import { OutboxDispatcher } from './outbox.dispatcher.js';

@Global()
@Module({ providers: [EventsService, EventBus, OutboxDispatcher], exports: [EventsService, EventBus, OutboxDispatcher] })
export class EventsModule {}
